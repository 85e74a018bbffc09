/* being written */
#pragma once
