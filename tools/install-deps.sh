#!/bin/sh
# Install what kexec-tdx needs to build and to run every test on Debian
# (bookworm or later).  Run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake pkg-config \
	libelf-dev libkmod-dev libjson-c-dev zlib1g-dev liblzma-dev libzstd-dev \
	libcmocka-dev libssl-dev \
	python3 python3-jsonschema python3-prometheus-client man-db clang cpio gzip xz-utils zstd \
	qemu-system-x86 ovmf busybox-static linux-image-amd64 kexec-tools makedumpfile \
	debhelper mmdebstrap rpm lintian
# strace: tests/vm/kexec-default.sh shows the system call of each load
apt-get install -y -qq --no-install-recommends strace
