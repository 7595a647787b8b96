"""Build the Python module "vmmap" against an installed libvmmap.

    pip install --no-build-isolation ./plugins/gdb

finds the library with pkg-config (set PKG_CONFIG_PATH for a prefix
pkg-config does not search, e.g. /usr/local/lib/pkgconfig).  The
autotools build (make; make install) builds and installs the same module
without this file.
"""
import os
import subprocess

from setuptools import Extension, setup


def pkg_config(*args):
    try:
        out = subprocess.run(['pkg-config', *args, 'libvmmap'], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit('vmmap: pkg-config cannot find libvmmap (%s); install '
                         'it (make install) and set PKG_CONFIG_PATH' % e)
    return out.split()


def version():
    return pkg_config('--modversion')[0]


here = os.path.dirname(os.path.abspath(__file__))
cflags = pkg_config('--cflags')
libs = pkg_config('--libs')
setup(
    name='vmmap',
    version=version(),
    description="The Linux kernel's virtual memory map from a crash dump "
                '(Python binding of libvmmap)',
    ext_modules=[Extension(
        'vmmap', [os.path.relpath(os.path.join(here, 'vmmapmodule.c'))],
        extra_compile_args=cflags + ['-D_GNU_SOURCE'],
        extra_link_args=libs +
        # The library's directory, so that the module finds it at run
        # time wherever the prefix is.
        ['-Wl,-rpath,' + a[2:] for a in libs if a.startswith('-L')])],
)
