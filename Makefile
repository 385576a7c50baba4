# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build:  make [KDIR=/path/to/kernel/build]
# KDIR defaults to the running kernel's build directory, else the newest
# installed Debian linux-headers-*-amd64.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
PWD := $(shell pwd)

.PHONY: all modules clean check demo bench dkms-install dkms-uninstall install uninstall \
	guest-drm guest-dkms-install guest-dkms-uninstall

all modules:
	@test -n "$(KDIR)" || { echo "mvgpu: no kernel build directory; install linux-headers-amd64 or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean

# The two README commands.
check:
	scripts/check.sh

demo:
	scripts/demo.sh

# Benchmarks in the debug-kernel VM: "BENCH <name> <value> <unit>" lines.
bench:
	scripts/bench.sh

# DKMS (as root): add, build and install for kernel KVER (default: the
# running one); AUTOINSTALL rebuilds it for kernels installed later.  Then
# "modprobe mvgpu" loads it with vfio, mdev and drm_buddy.
dkms-install:
	scripts/dkms.sh install $(KVER)

dkms-uninstall:
	scripts/dkms.sh uninstall

# The guest driver (guest/drm/, Documentation/guest-driver.rst), in a VM:
# built for the running kernel, or installed with DKMS.
guest-drm:
	$(MAKE) -C guest/drm

guest-dkms-install:
	scripts/guest-dkms.sh install $(KVER)

guest-dkms-uninstall:
	scripts/guest-dkms.sh uninstall

# The mvgpu command and its man page, under PREFIX (default /usr/local).
install uninstall:
	$(MAKE) -C tools/mvgpu $@
