package blobstore

import (
	"context"
	"errors"
	"testing"
)

func TestContainerLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.CreateContainer(ctx, acct, "c", map[string]string{"owner": "me"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateContainer(ctx, acct, "c", nil); !errors.Is(err, ErrContainerExists) {
		t.Fatalf("second create: %v", err)
	}
	got, err := f.GetContainer(ctx, acct, "c")
	if err != nil || got.ETag != c.ETag || got.Metadata["owner"] != "me" || !got.LastModified.Equal(c.LastModified) {
		t.Fatalf("GetContainer %+v, %v (created %+v)", got, err, c)
	}
	if _, err := f.SetContainerMetadata(ctx, acct, "c", map[string]string{"x": "y"},
		func(cur *Container) error { return errCond }); !errors.Is(err, errCond) {
		t.Fatalf("conditional set: %v", err)
	}
	c2, err := f.SetContainerMetadata(ctx, acct, "c", map[string]string{"x": "y"}, nil)
	if err != nil || c2.ETag == c.ETag || c2.Metadata["x"] != "y" || c2.Metadata["owner"] != "" {
		t.Fatalf("set metadata %+v, %v", c2, err)
	}
	if _, err := f.SetContainerMetadata(ctx, acct, "nope", nil, nil); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("set on missing: %v", err)
	}

	f.put(t, "a", []byte("aaa"))
	f.put(t, "b", content(100, 1))
	f.stage(t, "b", "x", []byte("staged"))
	f.stage(t, "staged-only", "x", []byte("staged"))
	if err := f.DeleteContainer(ctx, acct, "c", func(cur *Container) error { return errCond }); !errors.Is(err, errCond) {
		t.Fatalf("conditional delete: %v", err)
	}
	if len(f.files(t)) != 4 {
		t.Fatalf("a refused delete removed files: %v", f.files(t))
	}
	if err := f.DeleteContainer(ctx, acct, "c", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.GetContainer(ctx, acct, "c"); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := f.DeleteContainer(ctx, acct, "c", nil); !errors.Is(err, ErrContainerNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if files := f.files(t); len(files) != 0 {
		t.Fatalf("files left: %v", files)
	}
	// A new container of the same name starts empty.
	if _, err := f.CreateContainer(ctx, acct, "c", nil); err != nil {
		t.Fatal(err)
	}
	if l, err := f.ListBlobs(ctx, acct, "c", ListBlobsOptions{}); err != nil || len(l.Blobs) != 0 {
		t.Fatalf("recreated container lists %+v, %v", l, err)
	}
	if _, _, _, err := f.GetBlockList(ctx, acct, "c", "staged-only"); !errors.Is(err, ErrBlobNotFound) {
		t.Fatalf("staged blocks survived: %v", err)
	}
}

func TestListContainersPaging(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names := []string{"a", "a-b", "ab", "b", "ba", "bb", "c"}
	for _, n := range names {
		if _, err := f.CreateContainer(ctx, acct, n, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		prefix string
		max    int
		want   []string
	}{
		{"", 0, names},
		{"", 2, names},
		{"a", 1, []string{"a", "a-b", "ab"}},
		{"b", 2, []string{"b", "ba", "bb"}},
		{"z", 3, nil},
	} {
		var got []string
		marker, pages := "", 0
		for {
			items, next, err := f.ListContainers(ctx, acct, ListOptions{Prefix: tc.prefix, Marker: marker, Max: tc.max})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if tc.max > 0 && len(items) > tc.max {
				t.Fatalf("page of %d > max %d", len(items), tc.max)
			}
			for _, c := range items {
				got = append(got, c.Name)
			}
			if next == "" {
				break
			}
			if tc.max > 0 && len(items) != tc.max {
				t.Fatalf("short page %d with a NextMarker", len(items))
			}
			marker = next
		}
		if !equalStrings(got, tc.want) {
			t.Fatalf("prefix %q max %d: %v, want %v", tc.prefix, tc.max, got, tc.want)
		}
		if tc.max > 0 && len(tc.want) > 0 && pages != (len(tc.want)+tc.max-1)/tc.max {
			t.Fatalf("prefix %q max %d: %d pages for %d items (NextMarker must be empty when nothing follows)", tc.prefix, tc.max, pages, len(tc.want))
		}
	}
	other := Account{Name: "other", Generation: 1}
	if items, _, err := f.ListContainers(ctx, other, ListOptions{}); err != nil || len(items) != 0 {
		t.Fatalf("another account sees %v, %v", items, err)
	}
}
