// gojson_v3_oracle prints what this Go's encoding/json makes of each input, using struct shapes
// equivalent to distribution v3.1.1's manifest types (image-spec v1.1.1 descriptors; declared
// here, nothing vendored). Run it with the Go that registry:3 is built with (1.25).
//
// Input: one JSON array per line on stdin, [mode, base64 bytes]. Output: one JSON object per line.
//
//	unmarshal:<type>  json.Unmarshal into a fresh <type>
//	                  {"ok": value} or
//	                  {"kind": "syntax"|"type"|"other", "error": err.Error(),
//	                   "detail": string(json.Marshal(err.Error()))}
//	document:<type>   what distribution v3.1.1's UnmarshalManifest does for that media type
//	                  (pre-check, decode, mediaType check): the same shapes, plus kind "document"
//	marshal-string    {"out": string(json.Marshal(string(bytes)))}
//
// A 3.x registry sends err.Error() as the MANIFEST_INVALID detail, so "detail" is exactly the
// JSON it writes there. Struct fields carry no omitempty, so the printed value shows nil
// slices, maps and pointers as null ([]byte prints as base64); omitempty never changes
// decoding. Types are declared in package main, so type names in error texts are rewritten to
// the package names distribution v3.1.1 uses.
//
// Run: go run gojson_v3_oracle.go < inputs.jsonl > outputs.jsonl
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
)

// Digest mirrors go-digest's Digest: a plain string type.
type Digest string

// Platform mirrors image-spec v1.1.1 specs-go/v1.Platform.
type Platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version"`
	OSFeatures   []string `json:"os.features"`
	Variant      string   `json:"variant"`
}

// Descriptor mirrors image-spec v1.1.1 specs-go/v1.Descriptor.
type Descriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       Digest            `json:"digest"`
	Size         int64             `json:"size"`
	URLs         []string          `json:"urls"`
	Annotations  map[string]string `json:"annotations"`
	Data         []byte            `json:"data"`
	Platform     *Platform         `json:"platform"`
	ArtifactType string            `json:"artifactType"`
}

// Versioned mirrors image-spec specs-go.Versioned.
type Versioned struct {
	SchemaVersion int `json:"schemaVersion"`
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

// ManifestList mirrors manifestlist.ManifestList.
type ManifestList struct {
	Versioned
	MediaType string               `json:"mediaType"`
	Manifests []ManifestDescriptor `json:"manifests"`
}

// ImageIndex mirrors ocischema.ImageIndex.
type ImageIndex struct {
	Versioned
	MediaType   string            `json:"mediaType"`
	Manifests   []Descriptor      `json:"manifests"`
	Annotations map[string]string `json:"annotations"`
}

const (
	mediaTypeSchema2  = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaTypeOCI      = "application/vnd.oci.image.manifest.v1+json"
	mediaTypeOCIIndex = "application/vnd.oci.image.index.v1+json"
)

// Package of each declared type in distribution's build, for error texts.
var commonPackages = map[string]string{
	"Digest": "digest", "Platform": "v1", "Descriptor": "v1", "Versioned": "specs",
	"PlatformSpec": "manifestlist", "ManifestDescriptor": "manifestlist",
	"ManifestList": "manifestlist", "ImageIndex": "ocischema",
}

type decoder struct {
	decode   func([]byte) (any, error)
	packages map[string]string
}

func schema2Decoder() decoder {
	type Manifest struct {
		Versioned
		MediaType string       `json:"mediaType"`
		Config    Descriptor   `json:"config"`
		Layers    []Descriptor `json:"layers"`
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
		MediaType   string            `json:"mediaType"`
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

// ociProbeDecoder mirrors ocischema's validateManifest document: an anonymous struct, whose
// type (tags included) is what an error names.
func ociProbeDecoder() decoder {
	return decoder{
		decode: func(b []byte) (any, error) {
			var d struct {
				Manifests any `json:"manifests,omitempty"`
			}
			err := json.Unmarshal(b, &d)
			return map[string]any{"manifests": d.Manifests}, err
		},
	}
}

// indexProbeDecoder mirrors ocischema's validateIndex document (anonymous as well).
func indexProbeDecoder() decoder {
	return decoder{
		decode: func(b []byte) (any, error) {
			var d struct {
				Config any `json:"config,omitempty"`
				Layers any `json:"layers,omitempty"`
			}
			err := json.Unmarshal(b, &d)
			return map[string]any{"config": d.Config, "layers": d.Layers}, err
		},
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
	"list":        plainDecoder[ManifestList](),
	"index":       plainDecoder[ImageIndex](),
	"probe-oci":   ociProbeDecoder(),
	"probe-index": indexProbeDecoder(),
	"descriptor":  plainDecoder[Descriptor](),
	"bytes":       plainDecoder[[]byte](),
	"platform":    plainDecoder[*Platform](),
	"any":         plainDecoder[any](),
	"strings":     plainDecoder[[]string](),
	"annotations": plainDecoder[map[string]string](),
	"int":         plainDecoder[int](),
	"string":      plainDecoder[string](),
	"bool":        plainDecoder[bool](),
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
	text := goTypeText(err.Error(), local)
	detail, merr := json.Marshal(text)
	if merr != nil {
		log.Fatalf("marshal error text: %v", merr)
	}
	return map[string]any{"kind": kind, "error": text, "detail": string(detail)}
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

// document follows distribution v3.1.1's registered unmarshal function for one media type.
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
		probe, main = decoders["probe-index"], decoders["index"]
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
