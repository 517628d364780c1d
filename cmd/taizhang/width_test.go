package main

import "taizhang/ui/common"

func displayWidth(s string) int { return common.Width(s) }
