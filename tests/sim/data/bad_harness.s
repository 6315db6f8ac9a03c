; mica-run must reject a malformed harness line with exit status 2.
;! buffer out q32 64
.kernel k
    s_endpgm
