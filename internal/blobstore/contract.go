package blobstore

// This file fixes blobstore's exported types, errors and limits; package
// blob (the HTTP protocol) is written against them. The Store and its
// methods live in the other files.

import (
	"errors"
	"io"
	"time"
)

// Errors. Each maps to one Storage error code in package blob.
var (
	ErrContainerNotFound = errors.New("blobstore: container not found")                               // ContainerNotFound 404
	ErrContainerExists   = errors.New("blobstore: container already exists")                          // ContainerAlreadyExists 409
	ErrBlobNotFound      = errors.New("blobstore: blob not found")                                    // BlobNotFound 404
	ErrInvalidBlockList  = errors.New("blobstore: invalid block list")                                // InvalidBlockList 400
	ErrBlockIDLength     = errors.New("blobstore: block IDs of a blob must all have the same length") // InvalidBlobOrBlock 400
	ErrTooManyBlocks     = errors.New("blobstore: too many blocks")                                   // BlockCountExceedsLimit 409
	ErrShortBody         = errors.New("blobstore: body shorter than its declared length")             // 400
	ErrMD5Mismatch       = errors.New("blobstore: content MD5 mismatch")                              // Md5Mismatch 400
)

// Limits (Azure's).
const (
	MaxBlocks          = 50000      // committed blocks per blob
	MaxUncommitted     = 100000     // uncommitted blocks per blob
	MaxBlockIDBytes    = 64         // decoded block ID
	MaxBlockSize       = 4000 << 20 // one Put Block
	MaxPutBlobSize     = 5000 << 20 // one Put Blob
	MaxListResults     = 5000
	DefaultListResults = 5000
)

// Account names an account's data. Generation is the account resource's
// creation time (UnixNano): when an account is deleted and another is
// created with the same name, the generation differs and the store drops
// the old account's containers and blobs before serving the new one.
type Account struct {
	Name       string
	Generation int64
}

// Container is a container's properties.
type Container struct {
	Name         string
	Metadata     map[string]string
	ETag         string // quoted, e.g. "\"0x8DE1B2C3D4E5F60\""
	LastModified time.Time
}

// Headers are the blob's HTTP properties (x-ms-blob-content-* on writes).
type Headers struct {
	ContentType        string
	ContentEncoding    string
	ContentLanguage    string
	ContentDisposition string
	CacheControl       string
	ContentMD5         []byte // stored as given; Put Blob computes it when absent
}

// Blob is a committed block blob's properties.
type Blob struct {
	Name         string
	Size         int64
	ETag         string // quoted; changes on every write, including metadata/properties
	Created      time.Time
	LastModified time.Time
	Headers      Headers
	Metadata     map[string]string
}

// Precondition is evaluated inside a write's transaction (or, for reads,
// against the snapshot being read) with the current blob, nil when there is
// none. A non-nil error aborts the operation with nothing changed and is
// returned unchanged, so package blob can map its own condition errors.
type Precondition func(cur *Blob) error

// ContainerPrecondition is Precondition for container operations.
type ContainerPrecondition func(cur *Container) error

// BlockList selects where a Put Block List entry is looked up.
type BlockList int

const (
	Latest      BlockList = iota // uncommitted if present, else committed
	Committed                    // the blob's current committed list
	Uncommitted                  // staged by Put Block
)

// BlockRef is one entry of Put Block List; ID is the decoded block ID.
type BlockRef struct {
	ID   string
	From BlockList
}

// Block is one entry of Get Block List.
type Block struct {
	ID   string // decoded
	Size int64
}

// ListOptions pages a listing; Marker is the NextMarker of the previous
// page (opaque to callers), Max is 1..MaxListResults (0 = default).
type ListOptions struct {
	Prefix string
	Marker string
	Max    int
}

// ListBlobsOptions adds the hierarchy delimiter to ListOptions.
type ListBlobsOptions struct {
	ListOptions
	Delimiter string
}

// BlobListing is one page of List Blobs, in name order; Prefixes are the
// BlobPrefix entries a delimiter produced (each ends with the delimiter).
type BlobListing struct {
	Blobs      []Blob
	Prefixes   []string
	NextMarker string
}

// Reader reads one committed version of a blob; it stays readable even if
// the blob is overwritten or deleted meanwhile. Close releases it.
type Reader interface {
	Blob() Blob
	// Section returns the bytes [off, off+n) of the content.
	Section(off, n int64) io.Reader
	io.Closer
}
