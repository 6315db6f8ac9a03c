; out[i] = i for every invocation of the grid: the smallest complete mica-run example.
;! buffer out u32 4096
;! args out u32:4096
;! grid 4096
;! check out = i
;! print out 4
.kernel iota
.workgroup 64
    s_shl_b32 s4, s16, 6            ; group id * 64
    s_nop 0                         ; SALU -> VALU forwarding distance 2
    v_add_u32 v1, s4, v0            ; global index
    s_nop 0                         ; lowpower profile: VALU -> VALU distance 2
    v_cmp_gt_u32 vcc, s2, v1        ; index < n (s2 = n)
    v_shl_b32 v2, v1, 2             ; byte offset
    s_and_b32 exec, exec, vcc
    s_nop 0
    global_store_b32 v2, s[0:1], v1
    s_endpgm
