package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// DefaultMosquitto is where Debian installs mosquitto.
const DefaultMosquitto = "/usr/sbin/mosquitto"

// Mosquitto is a mosquitto broker the bench started.
type Mosquitto struct {
	// URL is the broker's address, tcp://127.0.0.1:PORT.
	URL string
	cmd *exec.Cmd
	dir string
	log *os.File
	// exited is closed when the process has ended.
	exited chan struct{}
}

// mosquittoConf sizes mosquitto for the load: no persistence, no limit on
// the messages queued or in flight for a subscriber (a lagging daemon is
// not silently dropped from).
const mosquittoConf = `listener %d 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_queued_bytes 0
max_inflight_messages 0
max_inflight_bytes 0
set_tcp_nodelay true
log_dest stderr
log_type error
log_type warning
`

// StartMosquitto runs the mosquitto binary at path (DefaultMosquitto when
// empty) on a free loopback port with a generated configuration and waits
// until it accepts connections.
func StartMosquitto(ctx context.Context, path string) (*Mosquitto, error) {
	if path == "" {
		path = DefaultMosquitto
	}
	if _, err := exec.LookPath(path); err != nil {
		return nil, fmt.Errorf("mosquitto: %w (apt-get install -y mosquitto)", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "vigia-bench-mosquitto-")
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "mosquitto.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, mosquittoConf, port), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "mosquitto.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(path, "-c", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("mosquitto: %w", err)
	}
	exited := make(chan struct{})
	m := &Mosquitto{URL: fmt.Sprintf("tcp://127.0.0.1:%d", port), cmd: cmd, dir: dir, log: logf, exited: exited}
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return m, nil
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logf.Name())
			m.cleanup()
			return nil, fmt.Errorf("mosquitto exited at start: %s", b)
		case <-ctx.Done():
			m.Stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.Stop()
			return nil, errors.New("mosquitto not listening after 10 s")
		}
	}
}

// Stop kills the broker and removes its files; it returns what it logged.
func (m *Mosquitto) Stop() string {
	m.cmd.Process.Kill()
	select {
	case <-m.exited:
	case <-time.After(5 * time.Second):
	}
	b, _ := os.ReadFile(m.log.Name())
	m.cleanup()
	return string(b)
}

func (m *Mosquitto) cleanup() {
	m.log.Close()
	os.RemoveAll(m.dir)
}
