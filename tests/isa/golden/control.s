; Control flow, immediates by meaning, two kernels, const data and debug lines.
.target r1
.profile lowpower
.kernel loop_kernel
.vgprs 4
.sgprs 8
    .line 1
    s_mov_b32 s0, 10
loop:
    .line 2
    s_sub_u32 s0, s0, 1
    s_cmp_eq_u32 s0, 0
    s_cbranch_scc0 loop
    v_cmp_eq_u32 vcc, v0, 0
    s_cbranch_vccz skip
    s_getreg_b32 s1, hwreg(POWER_PROFILE)
    s_getreg_b32 s2, 6
    s_timestamp_b64 s[4:5]
    s_fence scope(workgroup)
    s_barrier
skip:
    .line 3
    s_nop 3
    s_endpgm
.kernel consts
.workgroup 1
.scratch 64
    s_getpc_b64 s[0:1]
    s_load_b32 s2, off, s[0:1] offset:248
    s_waitcnt ls(0)
    s_endpgm
.const
    .word 0x11223344, 7
    .float 1.5
