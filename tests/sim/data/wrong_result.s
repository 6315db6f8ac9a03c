; mica-run must exit non-zero when a check fails: this program stores i + 1, the check wants i.
;! buffer out u32 64
;! args out
;! groups 1
;! check out = i
.kernel off_by_one
.workgroup 64
    v_add_u32 v1, v0, 1
    v_shl_b32 v2, v0, 2
    s_nop 1
    global_store_b32 v2, s[0:1], v1
    s_endpgm
