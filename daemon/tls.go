package daemon

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"slices"

	"github.com/vigia-project/vigia/broker"
	"github.com/vigia-project/vigia/config"
)

// tlsSchemes are the broker URL schemes paho dials with TLS.
var tlsSchemes = []string{"ssl", "tls", "mqtts", "mqtt+ssl", "tcps", "wss"}

// tlsConfig is the TLS configuration of the daemon as a client of an
// external broker: the broker verified against broker.tls.ca_file (the
// system's CAs when empty), and a client certificate presented when
// broker.tls.cert_file and key_file are set. It is nil when the daemon
// does not dial TLS (the embedded broker, a tcp:// URL) or nothing TLS is
// configured. Errors name the setting and the file.
func tlsConfig(b config.Broker) (*tls.Config, error) {
	if b.URL == "" || b.TLS.IsZero() {
		return nil, nil
	}
	u, err := url.Parse(b.URL)
	if err != nil {
		return nil, fmt.Errorf("broker.url: %w", err)
	}
	if !slices.Contains(tlsSchemes, u.Scheme) {
		return nil, nil
	}
	t := b.TLS
	c := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify}
	if c.ServerName == "" {
		c.ServerName = u.Hostname() // paho's proxy path does not fill it in
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("broker.tls.ca_file: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("broker.tls.ca_file: %s: no PEM certificate in it", t.CAFile)
		}
	}
	switch {
	case t.CertFile != "" && t.KeyFile != "":
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("broker.tls.cert_file: certificate %s with key %s: %w", t.CertFile, t.KeyFile, err)
		}
		c.Certificates = []tls.Certificate{cert}
	case t.CertFile != "":
		return nil, errors.New("broker.tls.key_file: required with broker.tls.cert_file")
	case t.KeyFile != "":
		return nil, errors.New("broker.tls.cert_file: required with broker.tls.key_file")
	}
	return c, nil
}

// clientTLS is tlsConfig for clientOptions. The configuration was checked
// when it was loaded; should a file have changed since, the error is logged
// and every TLS handshake fails with it (the connection is retried), rather
// than the daemon connecting with less verification than configured.
func (d *Daemon) clientTLS() *tls.Config {
	c, err := tlsConfig(d.cfg.Broker)
	if err == nil {
		return c
	}
	d.log.Error("broker TLS configuration", "err", err)
	return &tls.Config{
		MinVersion:       tls.VersionTLS12,
		VerifyConnection: func(tls.ConnectionState) error { return err },
	}
}

// embeddedBrokerOptions are the options of the embedded broker, from the
// broker section of the configuration: queue sizes, users and their
// roles, and the TLS listener.
func embeddedBrokerOptions(cfg *config.Config, log *slog.Logger) broker.Options {
	b := cfg.Broker
	o := broker.Options{Addr: b.Listen, MaxInflight: b.MaxInflight, MaxPending: b.MaxPending, Logger: log,
		TopicPrefix: cfg.TopicPrefix}
	for _, u := range b.Users {
		bu := broker.User{Username: u.Username, Password: u.Password, Role: u.Role, Agency: u.Agency}
		if a, ok := cfg.AgencyByID(u.Agency); ok {
			bu.AlertsTopic = a.Topic
		}
		o.Users = append(o.Users, bu)
	}
	if b.ListenTLS != "" {
		o.TLSAddr, o.TLSCertFile, o.TLSKeyFile, o.TLSClientCAFile = b.ListenTLS, b.TLS.CertFile, b.TLS.KeyFile, b.TLS.CAFile
	}
	return o
}
