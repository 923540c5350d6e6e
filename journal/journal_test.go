package journal

import (
	"fmt"
	"path/filepath"
	"testing"
)

// What is appended and not done survives a reopen, in order; what is done does not.
func TestPendingSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for i := 0; i < 5; i++ {
		seq, err := j.Append(Record{Topic: "vigia/alerts/uscg", Payload: []byte(fmt.Sprintf(`{"rev":%d}`, i+1)), ID: "a", Rev: i + 1, Agency: "uscg"})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, seq)
	}
	for _, i := range []int{0, 2} {
		if err := j.Done(seqs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	p, err := j.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 3 || p[0].Rev != 2 || p[1].Rev != 4 || p[2].Rev != 5 || string(p[0].Payload) != `{"rev":2}` || j.Len() != 3 {
		t.Fatalf("pending %+v (len %d)", p, j.Len())
	}
	// Sequence numbers keep rising after a reopen.
	seq, err := j.Append(Record{Topic: "t", ID: "b", Rev: 1})
	if err != nil || seq <= seqs[4] {
		t.Fatalf("seq %d after %d: %v", seq, seqs[4], err)
	}
}

// A second process cannot open a journal in use.
func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	if _, err := Open(path); err == nil {
		t.Fatal("opened a locked journal")
	}
}

// AppendAll and DoneAll act as Append and Done one by one: order and
// sequence numbers kept, only the records done removed.
func TestBatches(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var rs []Record
	for i := range 4 {
		rs = append(rs, Record{Topic: "vigia/alerts/semar", ID: "x", Rev: i + 1, Agency: "semar"})
	}
	seqs, err := j.AppendAll(rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 4 || seqs[0] >= seqs[1] || seqs[1] >= seqs[2] || seqs[2] >= seqs[3] {
		t.Fatalf("seqs %v", seqs)
	}
	if err := j.DoneAll([]uint64{seqs[1], seqs[3]}); err != nil {
		t.Fatal(err)
	}
	p, err := j.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 2 || p[0].Rev != 1 || p[1].Rev != 3 || p[0].Seq != seqs[0] || p[1].Seq != seqs[2] {
		t.Fatalf("pending %+v", p)
	}
	if s, err := j.AppendAll(nil); err != nil || len(s) != 0 {
		t.Fatalf("empty batch: %v %v", s, err)
	}
}
