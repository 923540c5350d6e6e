// Package adsb decodes the ADS-B feeds of a 1090 MHz receiver (dump1090,
// readsb and compatibles) into sensors.Report values.
//
// Three wire formats are understood, each by a sensors.Decoder:
//
//   - SBS-1 BaseStation CSV (TCP port 30003): NewSBSDecoder. The receiver
//     has already decoded the Mode S messages; each line carries a few
//     fields of one message (MSG,1 … MSG,8).
//   - AVR text (port 30002): NewModeSDecoder(o, AVR). One raw Mode S frame
//     per line in hexadecimal, "*8D4840D6202CC371C32CE0576098;", optionally
//     with a 12-digit MLAT counter ("@0123456789AB8D48…;" or "%…;").
//   - Beast binary (port 30005): NewModeSDecoder(o, Beast). 0x1A-escaped
//     frames with a 12 MHz MLAT counter and a signal level; a frame split
//     between two payloads is reassembled.
//
// # Reports
//
// Every decoder keeps a bounded table of aircraft by ICAO address
// (Options.MaxAircraft entries, entries unseen for Options.StaleAfter are
// forgotten; when the table is full the least recently seen tenth is
// evicted). Messages that carry no position (identification, velocity,
// altitude, squawk) only update that table and produce neither a report nor
// an error. A message that yields a position produces one KindObservation
// report holding one geodetic detection, enriched from the table with the
// aircraft's latest callsign, squawk, emergency, altitude (if at most 10 s
// old and not already in the message) and velocity (if at most 10 s old).
//
// Conventions (read these before relying on the values):
//
//   - Class is always sensors.ClassAir, also for aircraft on the ground
//     (SBS MSG,2, ADS-B surface position TC 5–8): in Vigia ClassSurface
//     means a vessel, and a taxiing aircraft must not raise dark-vessel
//     alerts. A surface position carries no altitude.
//   - Alt is the barometric (pressure) altitude converted from feet to
//     metres, not a height above the WGS-84 ellipsoid: the two differ by the
//     local pressure and the geoid, typically by tens to a few hundred
//     metres. Only the 25-ft encoding of Mode S altitudes is decoded; the
//     100-ft Gillham encoding (used above 50,175 ft) leaves the altitude
//     unknown. ADS-B type codes 20–22 carry a GNSS height instead, decoded
//     with the same 25-ft coding (as dump1090 does) and reported likewise.
//   - Speed is the ground speed in m/s (knots × 1852/3600), Course the track
//     over ground in degrees true, [0, 360).
//   - Emergency is set from an emergency squawk (7500/7600/7700, see
//     sensors.EmergencyForSquawk), else from the SBS MSG,6 emergency flag or
//     the ADS-B TC 28 emergency state (unlawful interference → hijack, no
//     communications → radio failure, any other → emergency).
//   - ICAO is the lower-case hexadecimal address. Non-ICAO addresses (SBS
//     "~" prefix, TIS-B) are kept apart in the table and reported without
//     an ICAO.
//
// Time: an SBS line gives the time the message was generated (fields 7–8);
// dump1090 writes it in the receiver host's local time without a zone.
// Receivers are expected to run in UTC (the usual convention for feeders);
// otherwise set Options.Location to the host's zone. A line with empty time
// fields gets the receive time. AVR and Beast carry only a free-running
// MLAT counter, so their reports take the receive time
// (TimeFromPayload false).
//
// Mode S specifics: the 24-bit parity of every DF17/DF18 frame must leave a
// zero remainder (else sensors.ReasonChecksum); DF11 all-call replies are
// checked too. Other downlink formats (DF0/4/5/16/20/21/24: their parity is
// overlaid with the address, which cannot be verified without a list of
// known addresses) and Mode A/C are rejected as sensors.ReasonUnsupported,
// as is DF18 with a control field other than 0 (TIS-B, ADS-R, non-ICAO
// addresses). Airborne positions (TC 9–18 barometric, 20–22 GNSS) are
// decoded globally from an even and an odd CPR frame received within 10 s
// of each other (the newer frame's zone gives the result), otherwise
// locally from one frame relative to the aircraft's own last position when
// that is at most 60 s old (the standard's local decoding is unambiguous
// within half a zone, about 180 NM, of the reference). Surface positions
// (TC 5–8) are decoded locally only, relative to the aircraft's last
// position (at most 60 s old) or else to Options.Receiver; without either
// they are dropped silently until an airborne position is known. Velocity
// is decoded from TC 19 subtypes 1 and 2 (ground speed); subtypes 3 and 4
// (air speed and heading) are ignored. Identification is TC 1–4, emergency
// status TC 28 subtype 1 (which also gives the squawk).
//
// Counters: ModeSDecoder.Stats counts frames by length, downlink format and
// type code, parity failures, positions and Beast resynchronisations;
// Aircraft (both decoders) is the size of the aircraft table.
//
// Decoders are not safe for concurrent use: one per sensor, used from one
// goroutine at a time, as sensors.Decoder requires. They never panic.
package adsb
