//go:build go1.25

package main

import (
	"runtime"
	"unicode"
)

func categoryAliases() map[string]string { return unicode.CategoryAliases }

func goVersion() string { return runtime.Version() }
