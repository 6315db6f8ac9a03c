; Memory instruction forms: global with VGPR-pair and SGPR-pair bases, ds, s_load, atomics.
.kernel memory
.vgprs 16
.sgprs 24
.shared 4096
.workgroup 32, 2
    s_load_b64 s[20:21], off, s[0:1]
    s_load_b128 s[4:7], s9, s[0:1] offset:16
    s_waitcnt ls(0)
    global_load_b32 v1, v[2:3], off offset:16
    global_load_b32 v1, v2, s[4:5] offset:-8
    global_load_b128 v[4:7], v[2:3], off
    global_store_b64 v[2:3], off, v[4:5] offset:32767
    global_atomic_add_u32 v1, v2, s[20:21], v3
    global_atomic_cmpswap_b64 none, v[2:3], off, v[8:11] offset:-32768
    ds_store_b32 v1, v2 offset:4
    ds_load_b64 v[4:5], v1
    ds_atomic_add_f32 none, v1, v2
    s_waitcnt gm(0) ls(0)
    s_endpgm
