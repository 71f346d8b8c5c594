//go:build !go1.25

package main

import "runtime"

// Before Go 1.25 there were no category aliases.
func categoryAliases() map[string]string { return map[string]string{} }

func goVersion() string { return runtime.Version() }
