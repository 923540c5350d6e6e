// Package importer turns a log that a gateway or a receiver wrote into a
// Vigia recording (SPEC §6 `vigia import`, §7): one recording.Entry for
// each message the sensor's gateway would have published on
// {prefix}obs/{kind}/{sensor}, with the receive times rebuilt from the
// log's own times.
//
// # Formats
//
// nmea: one entry per usable line, the line as it was (tag blocks and
// receiver metadata included, surrounding white space and the line end
// removed), so that the daemon's NMEA decoder sees what the gateway saw.
// Two kinds of line travel together in one entry, their lines joined by
// "\n" in file order (the decoder accepts several lines in one payload):
//
//   - a $PGHP timestamp and the sentence it stamps (the decoder applies a
//     $PGHP to the next sentence);
//   - the parts of a multi-sentence AIS message (VDM/VDO "2,1" … "2,2"),
//     keyed as the decoder keys them (tag block group g:, else talker type,
//     channel, sequential id and part count, within the tag block source
//     s:). The entry is written where the message's last part is, at that
//     line's time. A merged or satellite feed puts other lines, and times
//     minutes apart, between the parts of one message; grouped, the message
//     still reassembles, whatever the gap. A part whose message does not
//     complete is skipped ("incomplete"): its id is reused first, the log
//     ends, 1,000 lines pass, or — for a message keyed by sequential id,
//     which is ambiguous, not by a tag block group — more than 10 s of clock
//     pass (nmea.DefaultReassemblyTimeout, as the decoder would judge it).
//
// The time of a line, its clock, comes from, in the order the decoder
// honours them: an NMEA 4.0 tag block c: (unix seconds, or milliseconds
// when too large for seconds); USCG NAIS receiver metadata after the
// checksum (the first field of ten digits, unix seconds); a $PGHP sentence
// (DMA/Gatehouse: year, month, day, hour, minute, second, millisecond,
// UTC); an AIS-catcher JSON line ("rxuxtime", else "rxtime"); a $--RMC
// sentence with status A (date and UTC time; two-digit years 80–99 are
// 1980–1999, 00–79 are 2000–2079); a $--ZDA sentence (UTC time, day,
// month, year). A line without a time of its own takes the last known time
// (no artificial step: times are non-decreasing, not strictly increasing).
// Lines before the first time take that first time (found by reading on;
// up to 200,000 lines are held), or, when Start is given, Start + k ×
// Interval for the k-th of them, never later than the first time: Start
// does not override a log's own times. A log with no time at all needs
// Start (else ErrNoTime, "no time in the log: give -start"): its k-th line
// is at Start + k × Interval.
//
// sbs: one entry per usable line; its time is the SBS date and time
// generated (fields 7–8), else logged (9–10), read in Options.Location
// (dump1090 writes the receiver host's local time; default UTC). Lines
// without either take the last known time, as above.
//
// asterix: a classic libpcap capture (either byte order, micro- or
// nanosecond timestamps) or a pcapng capture, on Ethernet (with 802.1Q/QinQ
// tags), Linux cooked (SLL, SLL2), BSD loopback or raw IP links: one entry
// per UDP datagram (IPv4, fragments reassembled, or IPv6 without extension
// headers) whose payload is a whole ASTERIX data block stream, at the
// packet's capture time. Anything else — a file that is neither — is read
// as raw ASTERIX: concatenated data blocks (category octet, two-octet
// length) without times, one entry per block at Start + k × Interval.
//
// # Times
//
// Entry times never go back: a time earlier than the clock (out-of-order
// tag blocks of a merged or satellite feed, a capture clock stepped back)
// leaves the clock where it is (Result.Behind counts them). The payload
// keeps its own time, which the decoders use as the report's time. For a
// merged feed, whose lines arrive in the order the server received them,
// the latest time seen so far is also the best estimate of when a line
// arrived (DMA's stream: $PGHP times go back 3,069 times in 4,051, by a
// median 66 ms, at most 7.9 s).
//
// # What is skipped
//
// Input that cannot be used is counted by reason in Result.Skipped and
// never stops the import: comment lines ("#…"), lines that are not NMEA,
// torn lines (no or a wrong checksum, which is how a line cut by a crash or
// a buffer boundary looks), bad tag blocks or $PGHP times, incomplete
// multi-sentence messages (and the $PGHP lines with them), a $PGHP that
// ends the log ("pghp_unused"); SBS lines that are not BaseStation records or
// have too few fields or an invalid generated time; packets that are not
// IPv4/IPv6 UDP, truncated by the capture's snap length, fragments never
// completed, UDP payloads that are not a sequence of ASTERIX data blocks.
package importer
