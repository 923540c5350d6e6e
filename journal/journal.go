// Package journal is the daemon's alert journal: every alert message is
// written here (and synced to disk) before it is handed to the MQTT client,
// and removed once the broker has acknowledged it. After a crash or a
// restart, what is still in the journal is published again: receivers
// deduplicate on (id, rev), so an alert is delivered at least once, never
// lost. It is a bbolt database (one file, transactions, fsync on commit).
package journal

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var bucket = []byte("pending")

// Record is one alert message awaiting the broker's acknowledgement.
type Record struct {
	Seq     uint64    `json:"-"`
	Topic   string    `json:"topic"`
	Payload []byte    `json:"payload"`
	Agency  string    `json:"agency"`
	ID      string    `json:"id"`
	Rev     int       `json:"rev"`
	Rule    string    `json:"rule"`
	State   string    `json:"state"`
	Written time.Time `json:"written"`
}

// Journal is an open alert journal. It is safe for concurrent use.
type Journal struct {
	db *bolt.DB
}

// Open opens (or creates) the journal at path, creating its directory.
func Open(path string) (*Journal, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("journal %s: locked by another process (is another instance running with this state_dir?)", path)
		}
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	return &Journal{db: db}, nil
}

// Append writes r durably and returns its sequence number.
func (j *Journal) Append(r Record) (uint64, error) {
	seqs, err := j.AppendAll([]Record{r})
	if err != nil {
		return 0, err
	}
	return seqs[0], nil
}

// AppendAll writes rs durably, in order, in one transaction (one sync to
// disk however many there are), and returns their sequence numbers.
func (j *Journal) AppendAll(rs []Record) ([]uint64, error) {
	if len(rs) == 0 {
		return nil, nil
	}
	vs := make([][]byte, len(rs))
	for i := range rs {
		v, err := json.Marshal(rs[i])
		if err != nil {
			return nil, err
		}
		vs[i] = v
	}
	seqs := make([]uint64, len(rs))
	err := j.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for i, v := range vs {
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(key(seq), v); err != nil {
				return err
			}
			seqs[i] = seq
		}
		return nil
	})
	if err != nil {
		if len(rs) == 1 {
			return nil, fmt.Errorf("journal: append %s rev %d: %w", rs[0].ID, rs[0].Rev, err)
		}
		return nil, fmt.Errorf("journal: append %d records (%s rev %d first): %w", len(rs), rs[0].ID, rs[0].Rev, err)
	}
	return seqs, nil
}

// Done removes the record seq: the broker has it.
func (j *Journal) Done(seq uint64) error { return j.DoneAll([]uint64{seq}) }

// DoneAll removes the records seqs in one transaction.
func (j *Journal) DoneAll(seqs []uint64) error {
	if len(seqs) == 0 {
		return nil
	}
	return j.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for _, seq := range seqs {
			if err := b.Delete(key(seq)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Pending returns the records not yet acknowledged, oldest first.
func (j *Journal) Pending() ([]Record, error) {
	var out []Record
	err := j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
			var r Record
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("journal: record %x: %w", k, err)
			}
			r.Seq = binary.BigEndian.Uint64(k)
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// Len is the number of pending records.
func (j *Journal) Len() int {
	n := 0
	_ = j.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	return n
}

// Close closes the journal.
func (j *Journal) Close() error { return j.db.Close() }

func key(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}
