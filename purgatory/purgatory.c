/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Placeholder: the real purgatory is being written. */
#include <kexec-tdx/purgatory-abi.h>

struct ktdx_params ktdx_params __attribute__((section(".data"))) = {
	.magic = KTDX_PARAMS_MAGIC,
};
