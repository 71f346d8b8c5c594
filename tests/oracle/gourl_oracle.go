// gourl_oracle prints what this Go's net/url.Parse (or, with -addr, net/netip.ParseAddr)
// makes of each input: one JSON string per line on stdin, one JSON array per line on stdout.
//
//	url mode:  [input, scheme, opaque, user, host, path, rawQuery, fragment]
//	           where user is null or [username, password-or-null]
//	           or [input, "!" + error text] when Parse fails
//	addr mode: [input, "4" or "6"] or [input, "!" + error text]
//
// Run: go run gourl_oracle.go [-addr] < inputs.jsonl > outputs.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"log"
	"net/netip"
	"net/url"
	"os"
)

func main() {
	addrMode := flag.Bool("addr", false, "run netip.ParseAddr instead of url.Parse")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var raw string
		if err := json.Unmarshal(in.Bytes(), &raw); err != nil {
			log.Fatalf("bad input line %q: %v", in.Text(), err)
		}
		var row []any
		if *addrMode {
			row = parseAddr(raw)
		} else {
			row = parseURL(raw)
		}
		if err := enc.Encode(row); err != nil {
			log.Fatal(err)
		}
	}
	if err := in.Err(); err != nil {
		log.Fatal(err)
	}
}

func parseURL(raw string) []any {
	u, err := url.Parse(raw)
	if err != nil {
		return []any{raw, "!" + err.Error()}
	}
	var user any
	if u.User != nil {
		var password any
		if p, ok := u.User.Password(); ok {
			password = p
		}
		user = []any{u.User.Username(), password}
	}
	return []any{raw, u.Scheme, u.Opaque, user, u.Host, u.Path, u.RawQuery, u.Fragment}
}

func parseAddr(raw string) []any {
	a, err := netip.ParseAddr(raw)
	if err != nil {
		return []any{raw, "!" + err.Error()}
	}
	if a.Is4() {
		return []any{raw, "4"}
	}
	return []any{raw, "6"}
}
