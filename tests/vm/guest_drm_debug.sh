#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/vm/guest_drm.sh with the debug kernel in the nested guest: the
# render node's tests under KASAN, lockdep and kmemleak (scanned after the
# driver unloaded).
GUEST_DRM_FLAVOUR=debug exec bash "$(dirname "$0")/guest_drm.sh" "$@"
