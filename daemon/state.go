package daemon

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// The saved picture: the engine's tracks and the alert manager's alerts,
// written to {state_dir}/picture.gob at shutdown and every saveEvery of
// engine time, and restored at start when not older than ingest.max_past,
// so that after a restart tracks carry on under their numbers and their
// alerts continue (next revision, same id) instead of being raised anew.

const saveEvery = 30 * time.Second

type savedState struct {
	Saved   time.Time // engine time of the snapshot
	Engine  []byte
	Manager []byte
}

func (d *Daemon) statePath() string { return filepath.Join(d.stateDir, "picture.gob") }

// saveState encodes the snapshot and writes it atomically (temporary file,
// sync, rename), waiting for a write saveStateAsync left in flight. It runs
// on the engine goroutine; the daemon uses it at shutdown.
func (d *Daemon) saveState() error {
	if d.stateDir == "" {
		return nil
	}
	b, err := d.encodeState()
	if err != nil {
		return err
	}
	d.saveSeq++
	return d.writeStateOrdered(b, d.saveSeq)
}

// saveStateAsync encodes the snapshot on the engine goroutine (it must see
// the picture of one instant) and leaves the file write and its sync — tens
// of milliseconds on a busy disk — to another goroutine, so that they do not
// hold up reports and alerts. If the previous write is still going, this
// snapshot is skipped: the next one follows saveEvery later.
func (d *Daemon) saveStateAsync() error {
	if d.stateDir == "" {
		return nil
	}
	if !d.saveBusy.CompareAndSwap(false, true) {
		d.log.Warn("picture not saved: the previous save is still being written")
		return nil
	}
	b, err := d.encodeState()
	if err != nil {
		d.saveBusy.Store(false)
		return err
	}
	d.saveSeq++
	seq := d.saveSeq
	d.saveWG.Add(1)
	go func() {
		defer d.saveWG.Done()
		defer d.saveBusy.Store(false)
		if err := d.writeStateOrdered(b, seq); err != nil {
			d.log.Error("picture not saved", "err", err)
		}
	}()
	return nil
}

// writeStateOrdered writes snapshot seq unless a later one has been written
// already: a periodic save still on its way must not overwrite the one taken
// at shutdown.
func (d *Daemon) writeStateOrdered(b []byte, seq uint64) error {
	d.saveMu.Lock()
	defer d.saveMu.Unlock()
	if seq <= d.savedSeq {
		return nil
	}
	if err := d.writeState(b); err != nil {
		return err
	}
	d.savedSeq = seq
	return nil
}

func (d *Daemon) encodeState() ([]byte, error) {
	es, err := d.engine.Snapshot()
	if err != nil {
		return nil, err
	}
	ms, err := d.manager.Snapshot()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(savedState{Saved: d.engine.Now(), Engine: es, Manager: ms}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeState writes an encoded snapshot atomically; the caller holds saveMu.
// (Snapshots are numbered on the engine goroutine, saveSeq; savedSeq, under
// saveMu, is the latest written.)
func (d *Daemon) writeState(b []byte) error {
	tmp, err := os.CreateTemp(d.stateDir, "picture-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), d.statePath())
}

// restoreState loads the saved picture, if there is a recent one.
func (d *Daemon) restoreState() error {
	b, err := os.ReadFile(d.statePath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var s savedState
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return fmt.Errorf("%s: %w", d.statePath(), err)
	}
	if age := d.clock.Now().Sub(s.Saved); age > d.cfg.Ingest.MaxPast {
		d.log.Warn("saved picture too old to carry on; starting afresh", "file", d.statePath(), "saved", s.Saved, "age", age)
		return nil
	}
	// The alerts first: their restore decodes everything before it changes
	// anything. Then the tracks (all or nothing). Should the tracks fail,
	// the restored alerts are cleared as tracks lost (DropMissing) rather
	// than raised again from rev 1 under the same ids.
	n, err := d.manager.Restore(s.Manager)
	if err != nil {
		return err
	}
	d.restored = true
	if _, err := d.engine.Restore(s.Engine); err != nil {
		return err
	}
	d.log.Info("picture restored", "file", d.statePath(), "saved", s.Saved, "tracks", len(d.engine.Tracks()), "alerts", n)
	return nil
}
