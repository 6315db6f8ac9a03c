; SAXPY: y[i] = a * x[i] + y[i] over 1M floats, one element per invocation.
; Run: build/tools/mica-run/mica-run examples/asm/saxpy.s   (harness syntax: README.md)
;
; Harness for mica-run: two buffers with deterministic contents, the kernel arguments in
; user-data order, the grid, and the host computation the result must match. y on the right
; of the check means y's initial contents. The device computes a*x+y with one fused
; multiply-add (one rounding), the host in double then rounded once: they agree exactly.
;! buffer x f32 1048576 = rand(i) * 2 - 1
;! buffer y f32 1048576 = rand(i + 1048576) * 100
;! args x y f32:2.5 u32:1048576
;! grid 1048576
;! check y = 2.5 * x + y
;! print y 4
;
; User data: s[0:1] = x, s[2:3] = y, s4 = a (f32 bits), s5 = n.
; Launch ABI: s16 = workgroup id x, v0 = local invocation id x.
.target r2
.profile perf
.kernel saxpy
.workgroup 256
    s_shl_b32 s6, s16, 8            ; first element of this workgroup = group id * 256
    s_nop 0                         ; an SALU result reaches the vector unit 2 cycles later (SALU_VALU_FORWARD)
    v_add_u32 v1, s6, v0            ; element index
    s_nop 0                         ; lowpower profile: VALU results need distance 2 (LP_VALU_FORWARD)
    v_cmp_gt_u32 vcc, s5, v1        ; index < n
    v_shl_b32 v2, v1, 2             ; byte offset (independent: puts VCC at distance 2)
    s_and_b32 exec, exec, vcc       ; only lanes with an element stay active
    s_nop 0                         ; EXEC written by SALU: same forwarding distance
    global_load_b32 v3, v2, s[0:1]  ; x[i]
    global_load_b32 v4, v2, s[2:3]  ; y[i]
    s_waitcnt gm(0)                 ; loads land asynchronously (MEM_RESULT)
    v_fma_f32 v4, s4, v3, v4        ; a * x + y, one rounding
    s_nop 0                         ; lowpower: the store reads v4
    global_store_b32 v2, s[2:3], v4
    s_endpgm
