// Command semver_masterminds_oracle prints what Masterminds/semver v3 says about constraints
// and tags, for the test vectors of skopeo sync's images-by-semver.
//
// Each input line is a JSON array: a constraint followed by tags. Each output line is a JSON
// object: {"err": "<NewConstraint error>"} or {"admits": [...]} with, for every tag, null when
// semver.NewVersion refuses it, else whether the constraint's Check accepts it; "versions"
// holds [major, minor, patch, prerelease, metadata] (or null) for every tag.
//
// Build it in a module that requires github.com/Masterminds/semver/v3 at the version skopeo
// vendors (v3.4.0 for skopeo v1.22.2).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/Masterminds/semver/v3"
)

type result struct {
	Err      *string `json:"err,omitempty"`
	Admits   []*bool `json:"admits,omitempty"`
	Versions []any   `json:"versions"`
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
		versions := make([]*semver.Version, len(item)-1)
		for i, tag := range item[1:] {
			v, err := semver.NewVersion(tag)
			if err != nil {
				r.Versions = append(r.Versions, nil)
				continue
			}
			versions[i] = v
			r.Versions = append(r.Versions, []any{
				fmt.Sprint(v.Major()), fmt.Sprint(v.Minor()), fmt.Sprint(v.Patch()),
				v.Prerelease(), v.Metadata(),
			})
		}
		c, err := semver.NewConstraint(item[0])
		if err != nil {
			msg := err.Error()
			r.Err = &msg
		} else {
			r.Admits = []*bool{}
			for _, v := range versions {
				if v == nil {
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
