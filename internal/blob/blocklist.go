package blob

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/lanyardhq/lanyard/internal/blobstore"
)

// maxBlockListBody bounds a Put Block List body: 50,000 entries of an
// 88-character ID with their tags fit well within it.
const maxBlockListBody = 16 << 20

var (
	errXML       = badRequest("InvalidXmlDocument", "XML specified is not syntactically valid.")
	errBlockList = badRequest("InvalidBlockList", "The specified block list is invalid.")
)

// parseBlockList reads <BlockList> with <Latest>, <Committed> and
// <Uncommitted> entries in order.
func parseBlockList(w http.ResponseWriter, r *http.Request) ([]blobstore.BlockRef, *StorageError) {
	body := http.MaxBytesReader(w, r.Body, maxBlockListBody)
	var doc struct {
		XMLName xml.Name `xml:"BlockList"`
		Items   []struct {
			XMLName xml.Name
			ID      string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.NewDecoder(body).Decode(&doc); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, serr(http.StatusRequestEntityTooLarge, "RequestBodyTooLarge", "The request body is too large.")
		}
		return nil, errXML
	}
	// Trailing junk after the document is malformed too.
	if n, _ := io.Copy(io.Discard, io.LimitReader(body, 1)); n > 0 {
		return nil, errXML
	}
	if len(doc.Items) > blobstore.MaxBlocks {
		return nil, serr(http.StatusConflict, "BlockCountExceedsLimit", "The committed block count cannot exceed the maximum limit of 50,000 blocks.")
	}
	out := make([]blobstore.BlockRef, 0, len(doc.Items))
	for _, it := range doc.Items {
		var from blobstore.BlockList
		switch it.XMLName.Local {
		case "Latest":
			from = blobstore.Latest
		case "Committed":
			from = blobstore.Committed
		case "Uncommitted":
			from = blobstore.Uncommitted
		default:
			return nil, errXML
		}
		id, ok := decodeBlockID(it.ID)
		if !ok {
			return nil, errBlockList
		}
		out = append(out, blobstore.BlockRef{ID: id, From: from})
	}
	return out, nil
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
