package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/lanyardhq/lanyard/internal/scope"
)

// column is one table/tsv column: a header and a dotted path into the object
// ("properties.principalId").
type column struct{ header, path string }

// cols builds columns from "Header=path" pairs.
func cols(pairs ...string) []column {
	out := make([]column, 0, len(pairs))
	for _, p := range pairs {
		h, path, _ := strings.Cut(p, "=")
		out = append(out, column{h, path})
	}
	return out
}

// print writes v in the chosen format. JSON is the server's object as
// returned; table and tsv show the given columns (or every top-level scalar
// when none are given), one row per object.
func (a *app) print(w io.Writer, v any, columns []column) error {
	if a.output == "json" {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
	rows, err := toRows(v)
	if err != nil {
		return err
	}
	if len(columns) == 0 {
		columns = scalarColumns(rows)
	}
	if a.output == "tsv" {
		for _, r := range rows {
			cells := make([]string, len(columns))
			for i, c := range columns {
				cells[i] = cell(lookup(r, c.path))
			}
			if _, err := fmt.Fprintln(w, strings.Join(cells, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head, dash := make([]string, len(columns)), make([]string, len(columns))
	for i, c := range columns {
		head[i], dash[i] = c.header, strings.Repeat("-", len([]rune(c.header)))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	fmt.Fprintln(tw, strings.Join(dash, "\t"))
	for _, r := range rows {
		cells := make([]string, len(columns))
		for i, c := range columns {
			cells[i] = cell(lookup(r, c.path))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// toRows normalises v (a struct, map or slice) to a list of JSON objects.
func toRows(v any) ([]map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var list []map[string]any
	if json.Unmarshal(b, &list) == nil {
		return list, nil
	}
	var one map[string]any
	if err := json.Unmarshal(b, &one); err != nil {
		return nil, fmt.Errorf("cannot show %T as a table", v)
	}
	if one == nil {
		return nil, nil
	}
	return []map[string]any{one}, nil
}

func scalarColumns(rows []map[string]any) []column {
	var keys []string
	for _, r := range rows {
		for k, v := range r {
			switch v.(type) {
			case map[string]any, []any:
				continue
			}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	out := make([]column, len(keys))
	for i, k := range keys {
		out[i] = column{header: strings.ToUpper(k[:1]) + k[1:], path: k}
	}
	return out
}

func lookup(obj map[string]any, path string) any {
	if _, ok := obj[path]; !ok && path == "resourceGroup" {
		// az shows a resource's group; ARM objects carry it only in the ID.
		if id, ok := obj["id"].(string); ok {
			if parsed, err := scope.Parse(id); err == nil {
				return parsed.ResourceGroup
			}
		}
	}
	var cur any = obj
	for p := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

// cell renders a value for one line of text. Names come from other users, so
// control characters (terminal escapes, tabs, newlines that would forge rows)
// are replaced.
func cell(v any) string {
	var s string
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		s = t
	case map[string]any, []any:
		b, _ := json.Marshal(t)
		s = string(b)
	default:
		s = fmt.Sprint(t)
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

// remarshal converts a decoded JSON value into a typed one.
func remarshal(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}
