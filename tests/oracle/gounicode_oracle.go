// Command gounicode_oracle prints what one Go toolchain's regexp package says about patterns
// whose meaning depends on that Go's Unicode tables and \p names, for test vectors.
//
// Each input line is a JSON array: a pattern followed by subject strings. Each output line is a
// JSON object: {"err": "<err.Error()>"} when regexp.Compile fails, otherwise {"match": "01.."}
// with MatchString of every subject, one character each.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"strings"
)

type result struct {
	Err   *string `json:"err,omitempty"`
	Match *string `json:"match,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var item []string
		if err := json.Unmarshal(in.Bytes(), &item); err != nil || len(item) == 0 {
			panic("bad input line: " + in.Text())
		}
		var res result
		re, err := regexp.Compile(item[0])
		if err != nil {
			msg := err.Error()
			res.Err = &msg
		} else {
			var bits strings.Builder
			for _, subject := range item[1:] {
				if re.MatchString(subject) {
					bits.WriteByte('1')
				} else {
					bits.WriteByte('0')
				}
			}
			match := bits.String()
			res.Match = &match
		}
		if err := enc.Encode(res); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
