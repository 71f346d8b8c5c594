// gojson_oracle prints what this Go's encoding/json makes of each input, using struct shapes
// equivalent to distribution v2.8.2's manifest types (declared here, nothing vendored).
//
// Input: one JSON array per line on stdin, [mode, base64 bytes]. Output: one JSON object per line.
//
//	unmarshal:<type>  json.Unmarshal into a fresh <type>
//	                  {"ok": value} or
//	                  {"kind": "syntax"|"type", "error": err.Error(), "detail": string(json.Marshal(err))}
//	document:<type>   what distribution 2.8.2's UnmarshalManifest does for that media type
//	                  (pre-check, decode, mediaType check): the same shapes, plus kind "document"
//	marshal-string    {"out": string(json.Marshal(string(bytes)))}
//	marshal-float     the bytes are a float64 literal: {"out": json.Marshal(float64)} or {"error": ...}
//
// Struct fields here carry no omitempty, so the printed value shows nil slices, maps and
// pointers as null; omitempty never changes decoding. Types are declared in package main,
// so type names in error texts are rewritten to the package names distribution uses.
//
// Run: go run gojson_oracle.go < inputs.jsonl > outputs.jsonl
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
)

// Digest mirrors go-digest's Digest: a plain string type.
type Digest string

// Platform mirrors image-spec v1.0.2 specs-go/v1.Platform.
type Platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version"`
	OSFeatures   []string `json:"os.features"`
	Variant      string   `json:"variant"`
}

// Descriptor mirrors distribution.Descriptor (blobs.go).
type Descriptor struct {
	MediaType   string            `json:"mediaType"`
	Size        int64             `json:"size"`
	Digest      Digest            `json:"digest"`
	URLs        []string          `json:"urls"`
	Annotations map[string]string `json:"annotations"`
	Platform    *Platform         `json:"platform"`
}

// Versioned mirrors manifest.Versioned.
type Versioned struct {
	SchemaVersion int    `json:"schemaVersion"`
	MediaType     string `json:"mediaType"`
}

// PlatformSpec mirrors manifestlist.PlatformSpec.
type PlatformSpec struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version"`
	OSFeatures   []string `json:"os.features"`
	Variant      string   `json:"variant"`
	Features     []string `json:"features"`
}

// ManifestDescriptor mirrors manifestlist.ManifestDescriptor.
type ManifestDescriptor struct {
	Descriptor
	Platform PlatformSpec `json:"platform"`
}

// ManifestList mirrors manifestlist.ManifestList (also used for OCI indexes in 2.8).
type ManifestList struct {
	Versioned
	Manifests []ManifestDescriptor `json:"manifests"`
}

const (
	mediaTypeSchema2  = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaTypeOCI      = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeOCIIndex = "application/vnd.oci.image.index.v1+json"
)

// Package of each declared type in distribution's build, for error texts.
var commonPackages = map[string]string{
	"Digest": "digest", "Platform": "v1", "Descriptor": "distribution",
	"Versioned": "manifest", "PlatformSpec": "manifestlist",
	"ManifestDescriptor": "manifestlist", "ManifestList": "manifestlist",
}

// decoder decodes into a fresh value of one type and names the package of its local types.
type decoder struct {
	decode   func([]byte) (any, error)
	packages map[string]string
}

func schema2Decoder() decoder {
	type Manifest struct {
		Versioned
		Config Descriptor   `json:"config"`
		Layers []Descriptor `json:"layers"`
	}
	return decoder{
		decode: func(b []byte) (any, error) {
			var m Manifest
			err := json.Unmarshal(b, &m)
			return m, err
		},
		packages: map[string]string{"Manifest": "schema2"},
	}
}

func ociDecoder() decoder {
	type Manifest struct {
		Versioned
		Config      Descriptor        `json:"config"`
		Layers      []Descriptor      `json:"layers"`
		Annotations map[string]string `json:"annotations"`
	}
	return decoder{
		decode: func(b []byte) (any, error) {
			var m Manifest
			err := json.Unmarshal(b, &m)
			return m, err
		},
		packages: map[string]string{"Manifest": "ocischema"},
	}
}

func listDecoder() decoder {
	return decoder{
		decode: func(b []byte) (any, error) {
			var m ManifestList
			err := json.Unmarshal(b, &m)
			return m, err
		},
	}
}

// ociProbeDecoder mirrors ocischema's validateManifest document.
func ociProbeDecoder() decoder {
	type unknownDocument struct {
		Manifests interface{} `json:"manifests"`
	}
	return decoder{
		decode: func(b []byte) (any, error) {
			var d unknownDocument
			err := json.Unmarshal(b, &d)
			return d, err
		},
		packages: map[string]string{"unknownDocument": "ocischema"},
	}
}

// indexProbeDecoder mirrors manifestlist's validateIndex document.
func indexProbeDecoder() decoder {
	type unknownDocument struct {
		Config interface{} `json:"config"`
		Layers interface{} `json:"layers"`
	}
	return decoder{
		decode: func(b []byte) (any, error) {
			var d unknownDocument
			err := json.Unmarshal(b, &d)
			return d, err
		},
		packages: map[string]string{"unknownDocument": "manifestlist"},
	}
}

func plainDecoder[T any]() decoder {
	return decoder{decode: func(b []byte) (any, error) {
		var v T
		err := json.Unmarshal(b, &v)
		return v, err
	}}
}

var decoders = map[string]decoder{
	"schema2":     schema2Decoder(),
	"oci":         ociDecoder(),
	"list":        listDecoder(),
	"probe-oci":   ociProbeDecoder(),
	"probe-index": indexProbeDecoder(),
	"descriptor":  plainDecoder[Descriptor](),
	"any":         plainDecoder[interface{}](),
	"strings":     plainDecoder[[]string](),
	"annotations": plainDecoder[map[string]string](),
	"int":         plainDecoder[int](),
	"string":      plainDecoder[string](),
	"bool":        plainDecoder[bool](),
	"platform":    plainDecoder[*Platform](),
}

// goTypeText rewrites main.X in an error text to the package distribution declares X in.
func goTypeText(text string, local map[string]string) string {
	var pairs []string
	for _, m := range []map[string]string{local, commonPackages} {
		for name, pkg := range m {
			pairs = append(pairs, "main."+name+" ", pkg+"."+name+" ")
			pairs = append(pairs, "main."+name+"\x00", pkg+"."+name)
		}
	}
	return strings.TrimSuffix(strings.NewReplacer(pairs...).Replace(text+"\x00"), "\x00")
}

func errorRow(kind string, err error, local map[string]string) map[string]any {
	detail, merr := json.Marshal(err)
	if merr != nil {
		log.Fatalf("marshal error value: %v", merr)
	}
	return map[string]any{
		"kind": kind, "error": goTypeText(err.Error(), local), "detail": string(detail),
	}
}

func classify(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return "syntax"
	case errors.As(err, &typ):
		return "type"
	}
	return "other"
}

func unmarshal(name string, b []byte) map[string]any {
	d, ok := decoders[name]
	if !ok {
		log.Fatalf("unknown type %q", name)
	}
	v, err := d.decode(b)
	if err != nil {
		return errorRow(classify(err), err, d.packages)
	}
	return map[string]any{"ok": v}
}

// document follows distribution 2.8.2's registered unmarshal function for one media type.
func document(name string, b []byte) map[string]any {
	var probe, main decoder
	switch name {
	case "schema2":
		main = decoders["schema2"]
	case "oci":
		probe, main = decoders["probe-oci"], decoders["oci"]
	case "list":
		main = decoders["list"]
	case "index":
		probe, main = decoders["probe-index"], decoders["list"]
	default:
		log.Fatalf("unknown document %q", name)
	}
	if probe.decode != nil {
		v, err := probe.decode(b)
		if err != nil {
			return errorRow(classify(err), err, probe.packages)
		}
		if found := probeFinding(name, v); found != nil {
			return errorRow("document", found, nil)
		}
	}
	v, err := main.decode(b)
	if err != nil {
		return errorRow(classify(err), err, main.packages)
	}
	if err := mediaTypeCheck(name, v); err != nil {
		return errorRow("document", err, nil)
	}
	return map[string]any{"ok": v}
}

func probeFinding(name string, v any) error {
	b, _ := json.Marshal(v)
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	if name == "oci" && fields["manifests"] != nil {
		return errors.New("ocimanifest: expected manifest but found index")
	}
	if name == "index" && (fields["config"] != nil || fields["layers"] != nil) {
		return errors.New("index: expected index but found manifest")
	}
	return nil
}

func mediaTypeCheck(name string, v any) error {
	b, _ := json.Marshal(v)
	var fields struct {
		MediaType string `json:"mediaType"`
	}
	_ = json.Unmarshal(b, &fields)
	mt := fields.MediaType
	switch name {
	case "schema2":
		if mt != mediaTypeSchema2 {
			return fmt.Errorf("mediaType in manifest should be '%s' not '%s'", mediaTypeSchema2, mt)
		}
	case "oci":
		if mt != "" && mt != mediaTypeOCI {
			return fmt.Errorf("if present, mediaType in manifest should be '%s' not '%s'",
				mediaTypeOCI, mt)
		}
	case "list":
		if mt != mediaTypeList {
			return fmt.Errorf("mediaType in manifest list should be '%s' not '%s'", mediaTypeList, mt)
		}
	case "index":
		if mt != "" && mt != mediaTypeOCIIndex {
			return fmt.Errorf("if present, mediaType in image index should be '%s' not '%s'",
				mediaTypeOCIIndex, mt)
		}
	}
	return nil
}

func marshalFloat(b []byte) map[string]any {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		log.Fatalf("bad float %q: %v", b, err)
	}
	out, err := json.Marshal(f)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"out": string(out)}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<24), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var row [2]string
		if err := json.Unmarshal(in.Bytes(), &row); err != nil {
			log.Fatalf("bad input line %q: %v", in.Text(), err)
		}
		mode := row[0]
		b, err := base64.StdEncoding.DecodeString(row[1])
		if err != nil {
			log.Fatalf("bad base64 %q: %v", row[1], err)
		}
		var result map[string]any
		switch {
		case strings.HasPrefix(mode, "unmarshal:"):
			result = unmarshal(strings.TrimPrefix(mode, "unmarshal:"), b)
		case strings.HasPrefix(mode, "document:"):
			result = document(strings.TrimPrefix(mode, "document:"), b)
		case mode == "marshal-string":
			o, _ := json.Marshal(string(b))
			result = map[string]any{"out": string(o)}
		case mode == "marshal-float":
			result = marshalFloat(b)
		default:
			log.Fatalf("unknown mode %q", mode)
		}
		if err := enc.Encode(result); err != nil {
			log.Fatalf("encode: %v", err)
		}
	}
	if err := in.Err(); err != nil {
		log.Fatal(err)
	}
}
