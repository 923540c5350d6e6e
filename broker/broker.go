// Package broker runs the embedded MQTT broker (mochi-mqtt) that Vigia
// starts when its configuration names no external broker, so the demo and
// most tests need nothing installed. Its per-client queues are sized so that
// QoS 1 messages to a lagging subscriber are not silently dropped at
// mochi's defaults, and whatever it still drops is counted.
//
// With no users it is open to anyone who reaches it (the demo, on
// loopback). With users, every client must log in, and each role may use
// only its own topics (see UserPermissions); a second listener can serve
// TLS, optionally requiring client certificates.
package broker

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/hooks/auth"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// Options sizes the embedded broker.
type Options struct {
	// Addr is the TCP address to listen on; "127.0.0.1:0" picks a free port.
	Addr string
	// MaxInflight is the per-client window of unacknowledged QoS 1/2 messages (≤ 65535).
	MaxInflight int
	// MaxPending is the per-client queue of messages waiting to be written.
	MaxPending int
	// Logger receives the broker's warnings; nil discards them.
	Logger *slog.Logger

	// Users, when not empty, are the only clients allowed in, each limited
	// to its role's topics. Empty: anyone may connect and use any topic.
	Users []User
	// TopicPrefix is the prefix of the topics the roles' permissions name ("vigia/").
	TopicPrefix string

	// TLSAddr is the address of a TLS listener beside Addr; empty: none.
	TLSAddr string
	// TLSCertFile and TLSKeyFile are the PEM certificate (chain) and key the
	// TLS listener presents.
	TLSCertFile string
	// TLSKeyFile is the PEM private key of TLSCertFile.
	TLSKeyFile string
	// TLSClientCAFile, when set, makes the TLS listener require a client
	// certificate signed by one of the PEM certificates in it.
	TLSClientCAFile string
}

// Broker is a running embedded MQTT broker.
type Broker struct {
	srv     *mqtt.Server
	addr    string
	tlsAddr string

	closeOnce sync.Once
	done      chan struct{}
}

// Start listens on opts.Addr and serves MQTT until Close.
func Start(opts Options) (*Broker, error) {
	if opts.MaxInflight <= 0 || opts.MaxInflight > 65535 {
		return nil, fmt.Errorf("broker: max_inflight %d out of range 1..65535", opts.MaxInflight)
	}
	if opts.MaxPending <= 0 || opts.MaxPending > 1<<30 {
		return nil, fmt.Errorf("broker: max_pending %d out of range", opts.MaxPending)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumInflight = uint16(opts.MaxInflight)
	caps.MaximumClientWritesPending = int32(opts.MaxPending)
	caps.ReceiveMaximum = uint16(min(opts.MaxInflight, 65535))
	var tlsConf *tls.Config
	if opts.TLSAddr != "" {
		var err error
		if tlsConf, err = ServerTLSConfig(opts.TLSCertFile, opts.TLSKeyFile, opts.TLSClientCAFile); err != nil {
			return nil, fmt.Errorf("broker: %w", err)
		}
	}
	srv := mqtt.New(&mqtt.Options{Capabilities: caps, Logger: log, InlineClient: false})
	// mochi refuses every client unless an auth hook is added. Without users
	// the broker is open (the demo: it listens on loopback by default).
	var hook mqtt.Hook = new(auth.AllowHook)
	if len(opts.Users) > 0 {
		h, err := newAuthHook(opts.TopicPrefix, opts.Users)
		if err != nil {
			return nil, fmt.Errorf("broker: %w", err)
		}
		hook = h
	}
	if err := srv.AddHook(hook, nil); err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	var lns []net.Listener
	closeAll := func() {
		for _, l := range lns {
			l.Close()
		}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("broker: listen on %s: %w", opts.Addr, err)
	}
	lns = append(lns, ln)
	b := &Broker{srv: srv, addr: ln.Addr().String(), done: make(chan struct{})}
	if err := srv.AddListener(listeners.NewNet("tcp", ln)); err != nil {
		closeAll()
		return nil, fmt.Errorf("broker: %w", err)
	}
	if tlsConf != nil {
		tln, err := net.Listen("tcp", opts.TLSAddr)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("broker: listen (TLS) on %s: %w", opts.TLSAddr, err)
		}
		lns = append(lns, tln)
		b.tlsAddr = tln.Addr().String()
		if err := srv.AddListener(listeners.NewNet("tls", tls.NewListener(tln, tlsConf))); err != nil {
			closeAll()
			return nil, fmt.Errorf("broker: %w", err)
		}
	}
	if err := srv.Serve(); err != nil {
		closeAll()
		return nil, fmt.Errorf("broker: serve: %w", err)
	}
	return b, nil
}

// TLSAddr returns the address of the TLS listener (host:port), "" when there is none.
func (b *Broker) TLSAddr() string { return b.tlsAddr }

// TLSURL returns the TLS listener's URL for MQTT clients, "" when there is none.
func (b *Broker) TLSURL() string {
	if b.tlsAddr == "" {
		return ""
	}
	return "ssl://" + b.tlsAddr
}

// Addr returns the address the broker listens on (host:port).
func (b *Broker) Addr() string { return b.addr }

// URL returns the broker's URL for MQTT clients.
func (b *Broker) URL() string { return "tcp://" + b.addr }

// Dropped returns how many messages the broker has dropped: writes refused
// because a client's pending queue was full, and QoS>0 messages refused
// because a client's inflight window was full.
func (b *Broker) Dropped() (pendingFull, inflightFull int64) {
	return atomic.LoadInt64(&b.srv.Info.MessagesDropped), atomic.LoadInt64(&b.srv.Info.InflightDropped)
}

// Drain waits, up to timeout, until every connected client has
// acknowledged the QoS 1/2 messages sent to it, so that closing the broker
// does not cut off the last messages of a shutdown (an alert, the offline
// status). It reports whether everything was acknowledged in time.
func (b *Broker) Drain(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		pending := 0
		for _, cl := range b.srv.Clients.GetAll() {
			if !cl.Closed() && cl.State.Inflight != nil {
				pending += cl.State.Inflight.Len()
			}
		}
		if pending == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Close disconnects every client and stops listening. It is safe to call twice.
func (b *Broker) Close() error {
	var err error
	b.closeOnce.Do(func() {
		err = b.srv.Close()
		close(b.done)
	})
	return err
}
