package blob

import "testing"

// TestXMLText: messages keep literal newlines (JavaScript's XML parser does
// not decode "&#xA;") and never carry markup or characters XML forbids.
func TestXMLText(t *testing.T) {
	if got, want := xmlText("a\nRequestId:1\tx<y>&\x01\uFFFE"), "a\nRequestId:1\tx&lt;y&gt;&amp;??"; got != want {
		t.Fatalf("xmlText = %q, want %q", got, want)
	}
}
