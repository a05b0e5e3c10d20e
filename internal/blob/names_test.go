package blob

import (
	"strings"
	"testing"
)

func TestSplitPath(t *testing.T) {
	tests := []struct {
		path string
		want target
		bad  bool
	}{
		{"/", target{}, false},
		{"", target{}, false},
		{"/abc", target{container: "abc"}, false},
		{"/abc/", target{container: "abc"}, false},
		{"/abc/b.txt", target{"abc", "b.txt"}, false},
		{"/abc/dir/sub/b.txt", target{"abc", "dir/sub/b.txt"}, false},
		{"/abc/hello world.txt", target{"abc", "hello world.txt"}, false},
		{"/abc/..x/x..", target{"abc", "..x/x.."}, false},
		{"/abc/" + strings.Repeat("é", 1024), target{"abc", strings.Repeat("é", 1024)}, false},
		{"/a-b-1", target{container: "a-b-1"}, false},
		{"/ab", target{}, true},
		{"/" + strings.Repeat("a", 64), target{}, true},
		{"/Abc", target{}, true},
		{"/-abc", target{}, true},
		{"/abc-", target{}, true},
		{"/a--b", target{}, true},
		{"/$root", target{}, true},
		{"/abc/../x", target{}, true},
		{"/abc/..", target{}, true},
		{"/abc/a/./b", target{}, true},
		{"/abc/.", target{}, true},
		{"/abc/a\x00b", target{}, true},
		{"/abc/a\nb", target{}, true},
		{"/abc/a\x7fb", target{}, true},
		{"/abc/\xff", target{}, true},
		{"/abc/" + strings.Repeat("x", 1025), target{}, true},
	}
	for _, tt := range tests {
		got, bad := splitPath(tt.path)
		if (bad != nil) != tt.bad {
			t.Errorf("splitPath(%q): error %v, want error %v", tt.path, bad, tt.bad)
			continue
		}
		if bad != nil {
			if bad.Status != 400 || bad.Code != "InvalidResourceName" {
				t.Errorf("splitPath(%q) = %d %s", tt.path, bad.Status, bad.Code)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("splitPath(%q) = %+v, want %+v", tt.path, got, tt.want)
		}
	}
}

func FuzzBlobName(f *testing.F) {
	for _, s := range []string{"/abc/b.txt", "/abc/../x", "/abc/a//b", "/abc/./", "/c/x", "/abc/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, bad := splitPath(p)
		if bad != nil {
			return
		}
		if got.container == "" {
			return
		}
		if !validContainerName(got.container) {
			t.Fatalf("accepted container %q", got.container)
		}
		if got.blob == "" {
			return
		}
		for _, seg := range strings.Split(got.blob, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("accepted %q with a dot segment", got.blob)
			}
		}
		// Round trip: the canonical path names the same blob again.
		again, bad := splitPath("/" + got.container + "/" + got.blob)
		if bad != nil || again != got {
			t.Fatalf("round trip of %+v gave %+v, %v", got, again, bad)
		}
	})
}
