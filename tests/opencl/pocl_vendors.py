# SPDX-License-Identifier: MIT
"""The OpenCL comparison scripts load Mica and PoCL in one process: ocl-icd sees only the vendor
files of OCL_ICD_VENDORS, so Mica's (the build tree's) and PoCL's are put side by side in a private
directory before pyopencl loads the loader. Import and call setup_vendors() before pyopencl."""
import glob
import os
import tempfile


def setup_vendors(prefix):
    mica_dir = os.environ.get("OCL_ICD_VENDORS", "/etc/OpenCL/vendors")
    pocl = "/etc/OpenCL/vendors/pocl.icd"
    d = tempfile.mkdtemp(prefix=prefix)
    for f in glob.glob(os.path.join(mica_dir, "*.icd")) if os.path.isdir(mica_dir) else [mica_dir]:
        if "pocl" not in os.path.basename(f):
            os.symlink(os.path.abspath(f), os.path.join(d, "mica-" + os.path.basename(f)))
    if os.path.exists(pocl):
        os.symlink(pocl, os.path.join(d, "pocl.icd"))
    os.environ["OCL_ICD_VENDORS"] = d
