; Every line below is wrong in a different way; mica-as reports each one.
.kernel k
    v_add_u32 v0, v1
    s_mov_b32 s0, v1
    v_mov_b64 v[1:2], 0
    global_load_b32 v1, v[2:3], off offset:40000
    s_branch nowhere
    v_mul_f33 v0, v1, v2
    s_endpgm
