//go:build !windows

package bundle

func failKindOS(error) int { return failOther }
