// Command gounicode_tables prints the Unicode tables of the Go toolchain that runs it, as
// regexp/syntax reads them: every unicode.Categories, Scripts, FoldCategory and FoldScript
// table range by range (R16 then R32, with strides), unicode.SimpleFold wherever it moves a
// rune, and the category aliases Go 1.25 added. foreign-explorer ships the output (converted
// by tests/core/test_gounicode.py) so that \p classes and case folding match each Go exactly.
package main

import (
	"encoding/json"
	"os"
	"sort"
	"unicode"
)

type table struct {
	Kind   string     `json:"kind"`
	Name   string     `json:"name"`
	Ranges [][3]int64 `json:"ranges"`
}

type dump struct {
	Go      string            `json:"go"`
	Unicode string            `json:"unicode"`
	Tables  []table           `json:"tables"`
	Fold    [][2]int64        `json:"fold"`
	Aliases map[string]string `json:"aliases"`
}

func ranges(t *unicode.RangeTable) [][3]int64 {
	out := [][3]int64{}
	for _, r := range t.R16 {
		out = append(out, [3]int64{int64(r.Lo), int64(r.Hi), int64(r.Stride)})
	}
	for _, r := range t.R32 {
		out = append(out, [3]int64{int64(r.Lo), int64(r.Hi), int64(r.Stride)})
	}
	return out
}

func tables(kind string, m map[string]*unicode.RangeTable) []table {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names)
	out := []table{}
	for _, name := range names {
		out = append(out, table{kind, name, ranges(m[name])})
	}
	return out
}

func main() {
	d := dump{Go: goVersion(), Unicode: unicode.Version, Aliases: categoryAliases()}
	d.Tables = append(d.Tables, tables("category", unicode.Categories)...)
	d.Tables = append(d.Tables, tables("script", unicode.Scripts)...)
	d.Tables = append(d.Tables, tables("fold-category", unicode.FoldCategory)...)
	d.Tables = append(d.Tables, tables("fold-script", unicode.FoldScript)...)
	d.Fold = [][2]int64{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if f := unicode.SimpleFold(r); f != r {
			d.Fold = append(d.Fold, [2]int64{int64(r), int64(f)})
		}
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(d); err != nil {
		panic(err)
	}
}
