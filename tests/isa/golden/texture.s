; Texture-unit instruction forms (docs/hw/texture.md): descriptors in 8 SGPRs (image) or 12
; (image + sampler), coordinates in 4 VGPRs or one index, texel offsets in the offset field.
.kernel texture
.vgprs 24
.sgprs 32
    s_load_b256 s[8:15], off, s[0:1]
    s_load_b128 s[16:19], off, s[0:1] offset:32
    s_waitcnt ls(0)
    image_load v[4:7], v[0:3], s[8:15]
    image_load v[4:7], v[0:3], s[8:15] offset:0x7f8
    image_store v[0:3], s[8:15], v[4:7]
    buffer_load_format v[4:7], v1, s[8:15]
    buffer_store_format v1, s[8:15], v[4:7]
    image_query_size v[4:7], v1, s[8:15]
    image_sample v[8:11], v[0:3], s[8:19], v12
    image_sample_c v[8:11], v[0:3], s[8:19], v[12:13]
    image_gather4_r v[8:11], v[0:3], s[8:19]
    image_gather4_g v[8:11], v[0:3], s[8:19] offset:0x11
    image_gather4_b v[8:11], v[0:3], s[8:19]
    image_gather4_a v[8:11], v[0:3], s[8:19]
    image_gather4_c v[8:11], v[0:3], s[8:19], v12
    image_atomic_add_u32 v1, v[0:3], s[8:15], v2
    image_atomic_sub_u32 none, v[0:3], s[8:15], v2
    image_atomic_smin_i32 v1, v[0:3], s[8:15], v2
    image_atomic_umin_u32 v1, v[0:3], s[8:15], v2
    image_atomic_smax_i32 v1, v[0:3], s[8:15], v2
    image_atomic_umax_u32 v1, v[0:3], s[8:15], v2
    image_atomic_and_b32 v1, v[0:3], s[8:15], v2
    image_atomic_or_b32 v1, v[0:3], s[8:15], v2
    image_atomic_xor_b32 v1, v[0:3], s[8:15], v2
    image_atomic_swap_b32 v1, v[0:3], s[8:15], v2
    image_atomic_cmpswap_b32 v1, v[0:3], s[8:15], v[20:21]
    image_atomic_add_f32 v1, v[0:3], s[8:15], v2
    s_waitcnt gm(0)
    s_endpgm
