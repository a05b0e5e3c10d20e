package blob

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// maxBlockListBody bounds a Put Block List body: 50,000 entries of the
// longest form, "<Uncommitted>" + an 88-character ID + "</Uncommitted>"
// with a line break and indentation, are about 6 MB.
const maxBlockListBody = 8 << 20

// maxBlockListTokens bounds the XML tokens of a body (an entry is a start,
// its text, an end and the whitespace before it): work stops there
// however small the tokens are.
const maxBlockListTokens = 4*blobstore.MaxBlocks + 64

// maxEntryText bounds one entry's text: a base64 ID of 64 bytes is 88
// characters; the rest leaves room for whitespace around it.
const maxEntryText = 256

var (
	errXML       = badRequest("InvalidXmlDocument", "XML specified is not syntactically valid.")
	errBlockList = badRequest("InvalidBlockList", "The specified block list is invalid.")
	errTooMany   = serr(http.StatusConflict, "BlockCountExceedsLimit", "The committed block count cannot exceed the maximum limit of 50,000 blocks.")
)

// blockListKinds are the entry elements of <BlockList>.
var blockListKinds = map[string]blobstore.BlockList{
	"Latest": blobstore.Latest, "Committed": blobstore.Committed, "Uncommitted": blobstore.Uncommitted,
}

// parseBlockList reads <BlockList> with <Latest>, <Committed> and
// <Uncommitted> entries in order. It parses as the body streams and stops
// at the first thing wrong (an unknown element, entry 50,001, an
// overlong ID), so a hostile body costs no more than a valid one.
func parseBlockList(w http.ResponseWriter, r *http.Request) ([]blobstore.BlockRef, *StorageError) {
	dec := xml.NewDecoder(http.MaxBytesReader(w, r.Body, maxBlockListBody))
	var (
		out     []blobstore.BlockRef
		depth   int // 0 outside the root, 1 in <BlockList>, 2 in an entry
		from    blobstore.BlockList
		text    []byte
		closed  bool // </BlockList> seen
		ntokens int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF && closed {
			return out, nil
		}
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return nil, serr(http.StatusRequestEntityTooLarge, "RequestBodyTooLarge", "The request body is too large.")
			}
			return nil, errXML
		}
		if ntokens++; ntokens > maxBlockListTokens {
			return nil, errXML
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case depth == 0 && !closed && t.Name.Local == "BlockList":
				depth = 1
			case depth == 1:
				k, ok := blockListKinds[t.Name.Local]
				if !ok {
					return nil, errXML
				}
				if len(out) == blobstore.MaxBlocks {
					return nil, errTooMany
				}
				depth, from, text = 2, k, text[:0]
			default:
				return nil, errXML
			}
		case xml.EndElement:
			if depth == 2 {
				id, ok := decodeBlockID(string(text))
				if !ok {
					return nil, errBlockList
				}
				out = append(out, blobstore.BlockRef{ID: id, From: from})
			}
			depth--
			closed = depth == 0
		case xml.CharData:
			switch {
			case depth == 2:
				if len(text)+len(t) > maxEntryText {
					return nil, errBlockList
				}
				text = append(text, t...)
			case len(bytes.TrimSpace(t)) != 0:
				return nil, errXML
			}
		case xml.Directive:
			return nil, errXML // no DTDs
		}
	}
}

type blockXML struct {
	Name string `xml:"Name"`
	Size int64  `xml:"Size"`
}

type blockListXML struct {
	XMLName     xml.Name   `xml:"BlockList"`
	Committed   []blockXML `xml:"CommittedBlocks>Block"`
	Uncommitted []blockXML `xml:"UncommittedBlocks>Block"`
}

func renderBlocks(bs []blobstore.Block) []blockXML {
	out := make([]blockXML, len(bs))
	for i, b := range bs {
		out[i] = blockXML{Name: base64.StdEncoding.EncodeToString([]byte(b.ID)), Size: b.Size}
	}
	return out
}

func (h *Handler) getBlockList(q *request) error {
	if err := h.authorizeData(q, blobsRead); err != nil {
		return err
	}
	kind := q.r.URL.Query().Get("blocklisttype")
	if kind == "" {
		kind = "committed"
	}
	if kind != "committed" && kind != "uncommitted" && kind != "all" {
		return badRequest("InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid: blocklisttype.")
	}
	committed, uncommitted, b, err := h.cfg.Store.GetBlockList(q.r.Context(), q.acct, q.t.container, q.t.blob)
	if err != nil {
		return err
	}
	var out blockListXML
	if kind != "uncommitted" {
		out.Committed = renderBlocks(committed)
	}
	if kind != "committed" {
		out.Uncommitted = renderBlocks(uncommitted)
	}
	if b != nil {
		q.w.Header().Set("ETag", b.ETag)
		q.w.Header().Set("Last-Modified", httpTime(b.LastModified))
		q.w.Header().Set("x-ms-blob-content-length", strconv.FormatInt(b.Size, 10))
	}
	return writeXML(q.w, out)
}
