// Command goregex_oracle prints what Go's regexp package says about patterns, for test vectors.
//
// Each input line is a JSON array: a pattern followed by subject strings. Each output line is a
// JSON object: {"err": "<err.Error()>"} when regexp.Compile fails, otherwise {"spans": [...]}
// with FindStringIndex (byte offsets, or null) for every subject.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
)

type result struct {
	Err   *string `json:"err,omitempty"`
	Spans [][]int `json:"spans"`
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
		re, err := regexp.Compile(item[0])
		res := result{Spans: [][]int{}}
		if err != nil {
			msg := err.Error()
			res.Err = &msg
		} else {
			for _, subject := range item[1:] {
				res.Spans = append(res.Spans, re.FindStringIndex(subject))
			}
		}
		if err := enc.Encode(res); err != nil {
			panic(err)
		}
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}
