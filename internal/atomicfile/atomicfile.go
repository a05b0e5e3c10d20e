package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data, created with mode: it writes a temporary
// file in the same directory, syncs it, renames it over path and syncs the
// directory so the rename itself survives a power loss.
func Write(path string, data []byte, mode os.FileMode) error {
	tmp, err := temp(path, data, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// Create writes path only if it does not exist yet (an error satisfying
// errors.Is(err, fs.ErrExist) otherwise): the complete file is linked into
// place, so two concurrent creators cannot both win and neither can leave a
// short file.
func Create(path string, data []byte, mode os.FileMode) error {
	tmp, err := temp(path, data, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// temp writes data to a synced temporary file beside path and returns its
// name; the caller removes it.
func temp(path string, data []byte, mode os.FileMode) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	name := f.Name()
	err = f.Chmod(mode)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// SyncDir fsyncs a directory so that a rename or link just made in it
// survives a power loss. Only failing to open dir is an error: some
// filesystems cannot sync a directory, and the rename is atomic anyway.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
