// Command semver_regsync_oracle prints what regsync's semver package says about ranges and
// tags, for the test vectors of regsync's tags.semverRange.
//
// Each input line is a JSON array: a range followed by tags. Each output line is a JSON object:
// {"err": "<NewConstraint error>"} or {"admits": [...]} with, for every tag, null when
// semver.NewVersion refuses it, else whether the range's Check accepts it.
//
// regsync's semver package is internal to regclient (internal/semver, v0.11.5): build this
// command in a module that holds a copy of that package as ./semver.
package main

import (
	"bufio"
	"encoding/json"
	"os"

	"oracle/semver"
)

type result struct {
	Err    *string `json:"err,omitempty"`
	Admits []*bool `json:"admits,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 16<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var item []string
		if err := json.Unmarshal(in.Bytes(), &item); err != nil || len(item) == 0 {
			panic("bad input line: " + in.Text())
		}
		var r result
		c, err := semver.NewConstraint(item[0])
		if err != nil {
			msg := err.Error()
			r.Err = &msg
		} else {
			r.Admits = []*bool{}
			for _, tag := range item[1:] {
				v, err := semver.NewVersion(tag)
				if err != nil {
					r.Admits = append(r.Admits, nil)
					continue
				}
				ok := c.Check(v)
				r.Admits = append(r.Admits, &ok)
			}
		}
		if err := enc.Encode(r); err != nil {
			panic(err)
		}
	}
}
