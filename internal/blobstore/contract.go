package blobstore

// This file fixes blobstore's exported surface; package blob (the HTTP
// protocol) is written against it. The stub bodies are replaced by the
// implementation in other files.

import (
	"context"
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

var errStub = errors.New("blobstore: not implemented")

// Store is one server's blob data under one directory.
type Store struct{}

// Open opens (creating if needed) the store in dir and removes debris a
// crash left: staged files no record names.
func Open(dir string, now func() time.Time) (*Store, error) { return nil, errStub }

// Close closes the metadata database.
func (s *Store) Close() error { return errStub }

func (s *Store) CreateContainer(ctx context.Context, a Account, name string, md map[string]string) (Container, error) {
	return Container{}, errStub
}
func (s *Store) GetContainer(ctx context.Context, a Account, name string) (Container, error) {
	return Container{}, errStub
}
func (s *Store) SetContainerMetadata(ctx context.Context, a Account, name string, md map[string]string, cond ContainerPrecondition) (Container, error) {
	return Container{}, errStub
}

// DeleteContainer deletes the container with all its blobs and staged blocks.
func (s *Store) DeleteContainer(ctx context.Context, a Account, name string, cond ContainerPrecondition) error {
	return errStub
}
func (s *Store) ListContainers(ctx context.Context, a Account, o ListOptions) (items []Container, next string, err error) {
	return nil, "", errStub
}

// PutBlob stores exactly size bytes from body as the blob's whole content,
// replacing any committed content and discarding staged blocks. Content
// goes to a staged file first (hashing MD5 as it streams, never held whole
// in memory) and becomes visible at commit. A body shorter than size gives
// ErrShortBody; h.ContentMD5, if set, must match (ErrMD5Mismatch).
func (s *Store) PutBlob(ctx context.Context, a Account, container, name string, body io.Reader, size int64,
	h Headers, md map[string]string, cond Precondition) (Blob, error) {
	return Blob{}, errStub
}

// PutBlock stages a block (exactly size bytes from body; md5, if set, must
// match). Staging the same ID again replaces the staged block. A blob that
// does not exist yet is not created by staging.
func (s *Store) PutBlock(ctx context.Context, a Account, container, name, blockID string, body io.Reader, size int64, md5 []byte) error {
	return errStub
}

// PutBlockList commits list as the blob's content (blocks may repeat), then
// drops the staged blocks not used. A missing block gives
// ErrInvalidBlockList and changes nothing.
func (s *Store) PutBlockList(ctx context.Context, a Account, container, name string, list []BlockRef,
	h Headers, md map[string]string, cond Precondition) (Blob, error) {
	return Blob{}, errStub
}

// GetBlockList returns the committed and staged blocks; blob is nil when
// only staged blocks exist. With neither, ErrBlobNotFound.
func (s *Store) GetBlockList(ctx context.Context, a Account, container, name string) (committed, uncommitted []Block, blob *Blob, err error) {
	return nil, nil, nil, errStub
}

// OpenBlob checks cond against the current blob and returns a Reader for it.
func (s *Store) OpenBlob(ctx context.Context, a Account, container, name string, cond Precondition) (Reader, error) {
	return nil, errStub
}
func (s *Store) GetBlob(ctx context.Context, a Account, container, name string) (Blob, error) {
	return Blob{}, errStub
}

// SetHeaders replaces the blob's HTTP properties (all of them, as Azure's
// Set Blob Properties does); ContentMD5 nil clears it.
func (s *Store) SetHeaders(ctx context.Context, a Account, container, name string, h Headers, cond Precondition) (Blob, error) {
	return Blob{}, errStub
}
func (s *Store) SetMetadata(ctx context.Context, a Account, container, name string, md map[string]string, cond Precondition) (Blob, error) {
	return Blob{}, errStub
}
func (s *Store) DeleteBlob(ctx context.Context, a Account, container, name string, cond Precondition) error {
	return errStub
}

// ListBlobs lists committed blobs in name order (byte order of UTF-8).
func (s *Store) ListBlobs(ctx context.Context, a Account, container string, o ListBlobsOptions) (BlobListing, error) {
	return BlobListing{}, errStub
}
