package blobstore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// modelList is List Blobs by brute force over every name.
func modelList(names []string, prefix, delim string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names { // names sorted
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		if delim != "" {
			if i := strings.Index(n[len(prefix):], delim); i >= 0 {
				p := n[:len(prefix)+i+len(delim)]
				if !seen[p] {
					seen[p] = true
					out = append(out, "P:"+p)
				}
				continue
			}
		}
		out = append(out, "B:"+n)
	}
	return out
}

func TestListBlobsAgainstModel(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "/", "-", "é", "\xff", "z"}
	set := map[string]bool{}
	for len(set) < 400 {
		var sb strings.Builder
		for range 1 + r.IntN(6) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		set[sb.String()] = true
	}
	var names []string
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names) // Go string order is byte order
	// Insert in random order so storage order cannot fake name order.
	perm := slices.Clone(names)
	r.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	for _, n := range perm {
		f.put(t, n, []byte(n))
	}
	for _, prefix := range []string{"", "a", "a/", "é", "\xff", "b-", "zzzz"} {
		for _, delim := range []string{"", "/", "-", "é", "/a"} {
			for _, max := range []int{1, 3, 17, 0} {
				want := modelList(names, prefix, delim)
				var got []string
				marker, pages := "", 0
				for {
					l, err := f.ListBlobs(ctx, acct, "c", ListBlobsOptions{ListOptions{prefix, marker, max}, delim})
					if err != nil {
						t.Fatal(err)
					}
					pages++
					// Merge the page's blobs and prefixes in name order.
					var page []string
					for _, b := range l.Blobs {
						page = append(page, "B:"+b.Name)
					}
					for _, p := range l.Prefixes {
						page = append(page, "P:"+p)
					}
					slices.SortFunc(page, func(a, b string) int { return strings.Compare(a[2:], b[2:]) })
					got = append(got, page...)
					if max > 0 && len(page) > max {
						t.Fatalf("page of %d > %d", len(page), max)
					}
					if l.NextMarker == "" {
						break
					}
					if max > 0 && len(page) != max {
						t.Fatalf("short page with NextMarker")
					}
					marker = l.NextMarker
				}
				if !slices.Equal(got, want) {
					t.Fatalf("prefix %q delim %q max %d:\n got %q\nwant %q", prefix, delim, max, got, want)
				}
				if max > 0 && len(want) > 0 && pages != (len(want)+max-1)/max {
					t.Fatalf("prefix %q delim %q max %d: %d pages for %d entries", prefix, delim, max, pages, len(want))
				}
			}
		}
	}
}

func TestListBlobsReturnsProperties(t *testing.T) {
	f := withContainer(t)
	ctx := context.Background()
	b, err := f.PutBlob(ctx, acct, "c", "x", strings.NewReader("abc"), 3, Headers{ContentType: "t/x"}, map[string]string{"k": "v"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.stage(t, "staged-only", "id", []byte("s"))
	l, err := f.ListBlobs(ctx, acct, "c", ListBlobsOptions{})
	if err != nil || len(l.Blobs) != 1 {
		t.Fatalf("%+v %v (staged-only blobs are not listed)", l, err)
	}
	got := l.Blobs[0]
	if got.ETag != b.ETag || got.Size != 3 || got.Headers.ContentType != "t/x" || got.Metadata["k"] != "v" ||
		fmt.Sprint(got.Headers.ContentMD5) != fmt.Sprint(b.Headers.ContentMD5) {
		t.Fatalf("listed %+v, stored %+v", got, b)
	}
}
