; A sampling instruction needs the 12-SGPR image + sampler tuple, 4-aligned; loads take 8.
.kernel bad
    image_sample v[8:11], v[0:3], s[8:15], v12
    image_load v[4:7], v[0:3], s[6:13]
    image_gather4_r v[8:11], v[0:3], s[8:19], v12
    s_endpgm
