"""pyexecdir.py PREFIX - where configure installs the Python module "vmmap".

The directory, relative to ${prefix}, where the python3 running this looks
for modules under PREFIX: one of its own sys.path entries (Debian's
/usr/local/lib/python3.X/dist-packages for /usr/local, and
/usr/lib/python3/dist-packages for /usr); else the platform's platlib for
the prefix (then PYTHONPATH must name it).
"""
import os
import sys
import sysconfig

prefix = os.path.normpath(sys.argv[1])
# The closest one: for /usr, /usr/lib/python3/dist-packages rather than
# /usr/local/lib/python3.X/dist-packages, which is /usr/local's.
found = sorted((p[len(prefix):] for p in map(os.path.normpath, filter(None, sys.path))
                if os.path.basename(p) in ('dist-packages', 'site-packages')
                and p.startswith(prefix + os.sep)),
               key=lambda rel: rel.count(os.sep))
if found:
    print('${prefix}' + found[0])
else:
    print(sysconfig.get_path('platlib', 'posix_prefix',
                             vars={'platbase': '${prefix}', 'base': '${prefix}'}))
