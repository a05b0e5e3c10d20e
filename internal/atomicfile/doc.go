// Package atomicfile writes files that must never be seen half-written: keys,
// certificates, the admin password, profiles and enrolment state. A crash
// leaves either the old content or the new, never a truncated file. SyncDir
// is exported for writers that stream their own files (blob content) and
// need only the last step: making a rename durable.
package atomicfile
