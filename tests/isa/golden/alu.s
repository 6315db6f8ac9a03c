; Scalar and vector ALU forms: registers, special operands, inline constants and literals.
.kernel alu
.workgroup 64
    v_add_u32 v3, v0, s16            ; local id x + workgroup id x
    v_mul_lo_u32 v4, v3, 0x1000      ; literal chosen automatically
    v_fma_f32 v5, v4, -0.5, 2.0      ; float inline constants
    v_add_f32 v6, v5, 3.25           ; f32 literal
    v_add_f16 v6, v6, 3.25           ; f16 literal
    v_mov_b64 v[8:9], 0x100000000    ; 64-bit literal
    v_add_u64 v[8:9], v[8:9], -1     ; inline -1 on a 64-bit operand
    v_mov_b32 v7, lit(7)             ; forced literal
    v_cmp_lt_u32 vcc, v3, 32
    v_cndmask_b32 v10, v4, v5, vcc
    v_mov_b32 v11, lane_id
    s_mov_b32 s20, exec
    s_and_saveexec_b32 s21, vcc
    s_cselect_b32 s22, scc, 0
    v_readlane_b32 s23, v3, 5
    s_endpgm
