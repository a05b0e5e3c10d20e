package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/lanyardhq/lanyard/internal/store"
)

// TestReadersDoNotWaitForWriter holds a write transaction open and reads
// from the Store meanwhile: the read pool must answer with the last
// committed state.
func TestReadersDoNotWaitForWriter(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "lanyard.db"))
	defer s.Close()
	if err := s.CreatePrincipal(ctx, store.Principal{ID: "u1", Kind: store.KindUser}); err != nil {
		t.Fatal(err)
	}
	inTx, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- s.Update(ctx, func(tx store.Tx) error {
			if err := tx.CreatePrincipal(ctx, store.Principal{ID: "u2", Kind: store.KindUser}); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := s.GetPrincipal(rctx, "u1"); err != nil {
		t.Fatalf("read during a write transaction: %v", err)
	}
	if _, err := s.GetPrincipal(rctx, "u2"); err == nil {
		t.Fatal("uncommitted write visible to a reader")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetPrincipal(ctx, "u2"); err != nil {
		t.Fatalf("committed write not visible: %v", err)
	}
}

// TestAcknowledgedWritesSurviveSIGKILL runs a child process that commits
// writes and reports each one, kills it with SIGKILL, and checks that every
// acknowledged write is in the database (synchronous=NORMAL in WAL mode).
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	if path := os.Getenv("LANYARD_SQLITE_CHILD"); path != "" {
		childWriter(path)
		return
	}
	path := filepath.Join(t.TempDir(), "lanyard.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedWritesSurviveSIGKILL$")
	cmd.Env = append(os.Environ(), "LANYARD_SQLITE_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() && acked < 50 {
		if n, err := strconv.Atoi(sc.Text()); err == nil {
			acked = n
		}
	}
	cmd.Process.Kill() // SIGKILL: no deferred Close, no checkpoint
	cmd.Wait()
	if acked == 0 {
		t.Fatal("child acknowledged no write")
	}
	s := open(t, path)
	defer s.Close()
	for i := 1; i <= acked; i++ {
		if _, err := s.GetPrincipal(context.Background(), "p"+strconv.Itoa(i)); err != nil {
			t.Fatalf("acknowledged write %d of %d lost: %v", i, acked, err)
		}
	}
}

func childWriter(path string) {
	s, err := sqliteOpen(path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	for i := 1; ; i++ {
		if err := s.CreatePrincipal(context.Background(), store.Principal{ID: "p" + strconv.Itoa(i), Kind: store.KindUser}); err != nil {
			fmt.Println("write:", err)
			os.Exit(1)
		}
		fmt.Println(i) // acknowledged only after Commit returned
	}
}
