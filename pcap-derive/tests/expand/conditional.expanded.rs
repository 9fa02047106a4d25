::pcap_core::__private::bitflags::bitflags! {
    #[doc = "PARSE and UNPACK flags for the fields of [`Message`]."] #[derive(Debug,
    Clone, Copy, PartialEq, Eq, Hash)] pub struct MessageFields : u8 { #[doc =
    "PARSE `flags`: read it and keep its raw bytes."] const PARSE_FLAGS = (1 as u8);
    #[doc = "UNPACK `flags`: read and decode it (implies PARSE)."] const UNPACK_FLAGS =
    (3 as u8); #[doc = "PARSE `extra`: read it and keep its raw bytes."] const
    PARSE_EXTRA = (4 as u8); #[doc =
    "UNPACK `extra`: read and decode it (implies PARSE)."] const UNPACK_EXTRA = (12 as
    u8); #[doc = "PARSE `name`: read it and keep its raw bytes."] const PARSE_NAME = (16
    as u8); #[doc = "UNPACK `name`: read and decode it (implies PARSE)."] const
    UNPACK_NAME = (48 as u8); #[doc = "PARSE `tail`: read it and keep its raw bytes."]
    const PARSE_TAIL = (64 as u8); #[doc =
    "UNPACK `tail`: read and decode it (implies PARSE)."] const UNPACK_TAIL = (192 as
    u8); }
}
impl MessageFields {
    /// No field: only what is needed to find the header's end is read.
    pub const NONE: Self = Self::empty();
    /// UNPACK of the fields marked `#[field(default)]`.
    pub const DEFAULT: Self = Self::from_bits_retain((0 as u8));
    /// PARSE of every field.
    pub const PARSE_ALL: Self = Self::from_bits_retain((85 as u8));
    /// UNPACK of every field.
    pub const ALL: Self = Self::from_bits_retain((255 as u8));
}
impl ::core::default::Default for MessageFields {
    fn default() -> Self {
        Self::DEFAULT
    }
}
#[allow(dead_code)]
impl<'a> Message<'a> {
    ///PARSE `flags`: read it and keep its raw bytes.
    pub const PARSE_FLAGS: MessageFields = MessageFields::PARSE_FLAGS;
    ///UNPACK `flags`: read and decode it (implies PARSE).
    pub const UNPACK_FLAGS: MessageFields = MessageFields::UNPACK_FLAGS;
    ///PARSE `extra`: read it and keep its raw bytes.
    pub const PARSE_EXTRA: MessageFields = MessageFields::PARSE_EXTRA;
    ///UNPACK `extra`: read and decode it (implies PARSE).
    pub const UNPACK_EXTRA: MessageFields = MessageFields::UNPACK_EXTRA;
    ///PARSE `name`: read it and keep its raw bytes.
    pub const PARSE_NAME: MessageFields = MessageFields::PARSE_NAME;
    ///UNPACK `name`: read and decode it (implies PARSE).
    pub const UNPACK_NAME: MessageFields = MessageFields::UNPACK_NAME;
    ///PARSE `tail`: read it and keep its raw bytes.
    pub const PARSE_TAIL: MessageFields = MessageFields::PARSE_TAIL;
    ///UNPACK `tail`: read and decode it (implies PARSE).
    pub const UNPACK_TAIL: MessageFields = MessageFields::UNPACK_TAIL;
    /// No field: only what is needed to find the header's end is read.
    pub const NONE: MessageFields = MessageFields::NONE;
    /// UNPACK of the fields marked `#[field(default)]`.
    pub const DEFAULT: MessageFields = MessageFields::DEFAULT;
    /// PARSE of every field.
    pub const PARSE_ALL: MessageFields = MessageFields::PARSE_ALL;
    /// UNPACK of every field.
    pub const ALL: MessageFields = MessageFields::ALL;
    ///Layout of field `flags` (display name `flags`).
    pub const FLAGS: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "flags",
        display_name: "flags",
        bit_offset: ::core::option::Option::Some((0usize)),
        bit_width: ::core::option::Option::Some(8usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `extra` (display name `extra`).
    pub const EXTRA: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "extra",
        display_name: "extra",
        bit_offset: ::core::option::Option::Some((8usize)),
        bit_width: ::core::option::Option::Some(16usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `name` (display name `name`).
    pub const NAME: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "name",
        display_name: "name",
        bit_offset: ::core::option::Option::None,
        bit_width: ::core::option::Option::None,
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `tail` (display name `tail`).
    pub const TAIL: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "tail",
        display_name: "tail",
        bit_offset: ::core::option::Option::None,
        bit_width: ::core::option::Option::Some(8usize),
        display: ::pcap_core::Display::Default,
    };
    /// Every field's layout, in declaration order.
    pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[
        Self::FLAGS,
        Self::EXTRA,
        Self::NAME,
        Self::TAIL,
    ];
    /// Length in bytes of the constant-layout prefix.
    pub const FIXED_LEN: usize = (1usize);
    /// Parses the header in its declared byte order; returns it and the bytes after it.
    #[inline]
    pub fn parse(
        bytes: &'a [u8],
        flags: MessageFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Self::__pcap_parse::<::pcap_core::BigEndian>(bytes, flags)
    }
    /// Parses with `endian` for every whole-byte field without an `endian` of its own.
    #[inline]
    pub fn parse_endian(
        bytes: &'a [u8],
        flags: MessageFields,
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Self::__pcap_parse::<::pcap_core::BigEndian>(bytes, flags)
            }
            ::pcap_core::Endian::Little => {
                Self::__pcap_parse::<::pcap_core::LittleEndian>(bytes, flags)
            }
        }
    }
    /// [`Self::parse_endian`] with the byte order as a type: readers
    /// that fix the order once per file call this in their hot loop.
    #[inline]
    pub fn parse_as<__E: ::pcap_core::ByteOrder>(
        bytes: &'a [u8],
        flags: MessageFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Self::__pcap_parse::<__E>(bytes, flags)
    }
    /// The header's length, reading only what its `len` needs.
    #[inline]
    pub fn header_len(
        bytes: &[u8],
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Message::__pcap_header_len::<::pcap_core::BigEndian>(bytes)
    }
    /// [`Self::header_len`] in the given byte order.
    #[inline]
    pub fn header_len_endian(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Message::__pcap_header_len::<::pcap_core::BigEndian>(bytes)
            }
            ::pcap_core::Endian::Little => {
                Message::__pcap_header_len::<::pcap_core::LittleEndian>(bytes)
            }
        }
    }
    /// A lazy view: bounds are checked once, here.
    #[inline]
    pub fn view(
        bytes: &'a [u8],
    ) -> ::core::result::Result<MessageView<'a>, ::pcap_core::Error> {
        Self::view_endian(bytes, ::pcap_core::Endian::Big)
    }
    /// A lazy view reading whole-byte fields in `endian`.
    #[inline]
    pub fn view_endian(
        bytes: &'a [u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<MessageView<'a>, ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Self::__pcap_view::<::pcap_core::BigEndian>(bytes)
            }
            ::pcap_core::Endian::Little => {
                Self::__pcap_view::<::pcap_core::LittleEndian>(bytes)
            }
        }
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_parse<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
        __pcap_flags: MessageFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        let __pcap_flags: u8 = __pcap_flags.bits();
        let __pcap_prefix: &'a [u8; (1usize)] = match __pcap_bytes
            .first_chunk::<{ (1usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Message",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let flags: u8 = if <__E as ::pcap_core::ByteOrder>::IS_BIG {
            u8::from_be_bytes([__pcap_prefix[(0usize) + 0usize]])
        } else {
            u8::from_le_bytes([__pcap_prefix[(0usize) + 0usize]])
        };
        let __pcap_f_flags: ::pcap_core::Field<'a, u8> = if __pcap_flags & (2 as u8) != 0
        {
            ::pcap_core::Field::Value(::core::clone::Clone::clone(&flags))
        } else if __pcap_flags & (1 as u8) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(0usize)..(0usize) + 1usize],
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_buf: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: usize = (1usize);
        let (__pcap_f_extra, _) = if (flags & 1 != 0) {
            let __pcap_d_extra: &'a [u8; 2usize] = match __pcap_buf
                .get(__pcap_pos..)
                .and_then(|r| r.first_chunk::<{ 2usize }>())
            {
                ::core::option::Option::Some(a) => a,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(
                        ::pcap_core::__private::truncated(
                            "Message",
                            "extra",
                            __pcap_pos,
                            __pcap_pos.saturating_add(2usize),
                            __pcap_buf.len(),
                        ),
                    );
                }
            };
            let __pcap_field: ::pcap_core::Field<'a, u16> = if __pcap_flags & (8 as u8)
                != 0
            {
                ::pcap_core::Field::Value(
                    if <__E as ::pcap_core::ByteOrder>::IS_BIG {
                        u16::from_be_bytes([
                            __pcap_d_extra[0usize + 0usize],
                            __pcap_d_extra[0usize + 1usize],
                        ])
                    } else {
                        u16::from_le_bytes([
                            __pcap_d_extra[0usize + 0usize],
                            __pcap_d_extra[0usize + 1usize],
                        ])
                    },
                )
            } else if __pcap_flags & (4 as u8) != 0 {
                ::pcap_core::Field::Raw(
                    ::pcap_core::Raw::new(
                        &__pcap_d_extra[0usize..0usize + 2usize],
                        <__E as ::pcap_core::ByteOrder>::ENDIAN,
                    ),
                )
            } else {
                ::pcap_core::Field::Skipped
            };
            __pcap_pos += 2usize;
            (__pcap_field, ())
        } else {
            (::pcap_core::Field::Skipped, ())
        };
        let __pcap_avail: &'a [u8] = match __pcap_buf.get(__pcap_pos..) {
            ::core::option::Option::Some(r) => r,
            ::core::option::Option::None => &[],
        };
        let (__pcap_w_name, __pcap_used): (Name<'a>, usize) = match decode_name(
            __pcap_avail,
        ) {
            ::core::result::Result::Ok(x) => x,
            ::core::result::Result::Err(e) => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::in_field(e, "Message", "name", __pcap_pos),
                );
            }
        };
        if __pcap_used > __pcap_avail.len() {
            return ::core::result::Result::Err(
                ::pcap_core::__private::malformed(
                    "Message",
                    "name",
                    __pcap_pos,
                    "the `with` decoder reported more bytes than it was given",
                ),
            );
        }
        let __pcap_len: usize = __pcap_used;
        let __pcap_s_name: &'a [u8] = match __pcap_pos
            .checked_add(__pcap_len)
            .and_then(|end| __pcap_buf.get(__pcap_pos..end))
        {
            ::core::option::Option::Some(s) => s,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "name",
                        __pcap_pos,
                        __pcap_pos.saturating_add(__pcap_len),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_name, _) = {
            let __pcap_field: ::pcap_core::Field<'a, Name<'a>> = if __pcap_flags
                & (32 as u8) != 0
            {
                ::pcap_core::Field::Value(__pcap_w_name)
            } else if __pcap_flags & (16 as u8) != 0 {
                ::pcap_core::Field::Raw(
                    ::pcap_core::Raw::new(
                        __pcap_s_name,
                        <__E as ::pcap_core::ByteOrder>::ENDIAN,
                    ),
                )
            } else {
                ::pcap_core::Field::Skipped
            };
            __pcap_pos += __pcap_len;
            (__pcap_field, ())
        };
        let __pcap_d_tail: &'a [u8; 1usize] = match __pcap_buf
            .get(__pcap_pos..)
            .and_then(|r| r.first_chunk::<{ 1usize }>())
        {
            ::core::option::Option::Some(a) => a,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "tail",
                        __pcap_pos,
                        __pcap_pos.saturating_add(1usize),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_tail, _) = {
            let __pcap_field: ::pcap_core::Field<'a, u8> = if __pcap_flags & (128 as u8)
                != 0
            {
                ::pcap_core::Field::Value(
                    if <__E as ::pcap_core::ByteOrder>::IS_BIG {
                        u8::from_be_bytes([__pcap_d_tail[0usize + 0usize]])
                    } else {
                        u8::from_le_bytes([__pcap_d_tail[0usize + 0usize]])
                    },
                )
            } else if __pcap_flags & (64 as u8) != 0 {
                ::pcap_core::Field::Raw(
                    ::pcap_core::Raw::new(
                        &__pcap_d_tail[0usize..0usize + 1usize],
                        <__E as ::pcap_core::ByteOrder>::ENDIAN,
                    ),
                )
            } else {
                ::pcap_core::Field::Skipped
            };
            __pcap_pos += 1usize;
            (__pcap_field, ())
        };
        let __pcap_end: usize = __pcap_pos;
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        ::core::result::Result::Ok((
            Message {
                flags: __pcap_f_flags,
                extra: __pcap_f_extra,
                name: __pcap_f_name,
                tail: __pcap_f_tail,
            },
            __pcap_rest,
        ))
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_header_len<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        let __pcap_prefix: &'a [u8; (1usize)] = match __pcap_bytes
            .first_chunk::<{ (1usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Message",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let flags: u8 = if <__E as ::pcap_core::ByteOrder>::IS_BIG {
            u8::from_be_bytes([__pcap_prefix[(0usize) + 0usize]])
        } else {
            u8::from_le_bytes([__pcap_prefix[(0usize) + 0usize]])
        };
        let __pcap_buf: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: usize = (1usize);
        let (__pcap_f_extra, _) = if (flags & 1 != 0) {
            let __pcap_d_extra: &'a [u8; 2usize] = match __pcap_buf
                .get(__pcap_pos..)
                .and_then(|r| r.first_chunk::<{ 2usize }>())
            {
                ::core::option::Option::Some(a) => a,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(
                        ::pcap_core::__private::truncated(
                            "Message",
                            "extra",
                            __pcap_pos,
                            __pcap_pos.saturating_add(2usize),
                            __pcap_buf.len(),
                        ),
                    );
                }
            };
            __pcap_pos += 2usize;
            ((), ())
        } else {
            ((), ())
        };
        let __pcap_avail: &'a [u8] = match __pcap_buf.get(__pcap_pos..) {
            ::core::option::Option::Some(r) => r,
            ::core::option::Option::None => &[],
        };
        let (__pcap_w_name, __pcap_used): (Name<'a>, usize) = match decode_name(
            __pcap_avail,
        ) {
            ::core::result::Result::Ok(x) => x,
            ::core::result::Result::Err(e) => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::in_field(e, "Message", "name", __pcap_pos),
                );
            }
        };
        if __pcap_used > __pcap_avail.len() {
            return ::core::result::Result::Err(
                ::pcap_core::__private::malformed(
                    "Message",
                    "name",
                    __pcap_pos,
                    "the `with` decoder reported more bytes than it was given",
                ),
            );
        }
        let __pcap_len: usize = __pcap_used;
        let __pcap_s_name: &'a [u8] = match __pcap_pos
            .checked_add(__pcap_len)
            .and_then(|end| __pcap_buf.get(__pcap_pos..end))
        {
            ::core::option::Option::Some(s) => s,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "name",
                        __pcap_pos,
                        __pcap_pos.saturating_add(__pcap_len),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_name, _) = {
            __pcap_pos += __pcap_len;
            ((), ())
        };
        let __pcap_d_tail: &'a [u8; 1usize] = match __pcap_buf
            .get(__pcap_pos..)
            .and_then(|r| r.first_chunk::<{ 1usize }>())
        {
            ::core::option::Option::Some(a) => a,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "tail",
                        __pcap_pos,
                        __pcap_pos.saturating_add(1usize),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_tail, _) = {
            __pcap_pos += 1usize;
            ((), ())
        };
        let __pcap_end: usize = __pcap_pos;
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        ::core::result::Result::Ok(__pcap_buf.len())
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_view<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
    ) -> ::core::result::Result<MessageView<'a>, ::pcap_core::Error> {
        let __pcap_prefix: &'a [u8; (1usize)] = match __pcap_bytes
            .first_chunk::<{ (1usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Message",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let flags: u8 = if <__E as ::pcap_core::ByteOrder>::IS_BIG {
            u8::from_be_bytes([__pcap_prefix[(0usize) + 0usize]])
        } else {
            u8::from_le_bytes([__pcap_prefix[(0usize) + 0usize]])
        };
        let __pcap_buf: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: usize = (1usize);
        let (__pcap_f_extra, _) = if (flags & 1 != 0) {
            let __pcap_d_extra: &'a [u8; 2usize] = match __pcap_buf
                .get(__pcap_pos..)
                .and_then(|r| r.first_chunk::<{ 2usize }>())
            {
                ::core::option::Option::Some(a) => a,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(
                        ::pcap_core::__private::truncated(
                            "Message",
                            "extra",
                            __pcap_pos,
                            __pcap_pos.saturating_add(2usize),
                            __pcap_buf.len(),
                        ),
                    );
                }
            };
            let __pcap_slot = __pcap_d_extra;
            __pcap_pos += 2usize;
            (::core::option::Option::Some(__pcap_slot), ())
        } else {
            (::core::option::Option::None, ())
        };
        let __pcap_avail: &'a [u8] = match __pcap_buf.get(__pcap_pos..) {
            ::core::option::Option::Some(r) => r,
            ::core::option::Option::None => &[],
        };
        let (__pcap_w_name, __pcap_used): (Name<'a>, usize) = match decode_name(
            __pcap_avail,
        ) {
            ::core::result::Result::Ok(x) => x,
            ::core::result::Result::Err(e) => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::in_field(e, "Message", "name", __pcap_pos),
                );
            }
        };
        if __pcap_used > __pcap_avail.len() {
            return ::core::result::Result::Err(
                ::pcap_core::__private::malformed(
                    "Message",
                    "name",
                    __pcap_pos,
                    "the `with` decoder reported more bytes than it was given",
                ),
            );
        }
        let __pcap_len: usize = __pcap_used;
        let __pcap_s_name: &'a [u8] = match __pcap_pos
            .checked_add(__pcap_len)
            .and_then(|end| __pcap_buf.get(__pcap_pos..end))
        {
            ::core::option::Option::Some(s) => s,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "name",
                        __pcap_pos,
                        __pcap_pos.saturating_add(__pcap_len),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_name, _) = {
            let __pcap_slot = __pcap_s_name;
            __pcap_pos += __pcap_len;
            (__pcap_slot, ())
        };
        let __pcap_d_tail: &'a [u8; 1usize] = match __pcap_buf
            .get(__pcap_pos..)
            .and_then(|r| r.first_chunk::<{ 1usize }>())
        {
            ::core::option::Option::Some(a) => a,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "tail",
                        __pcap_pos,
                        __pcap_pos.saturating_add(1usize),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_tail, _) = {
            let __pcap_slot = __pcap_d_tail;
            __pcap_pos += 1usize;
            (__pcap_slot, ())
        };
        let __pcap_end: usize = __pcap_pos;
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Message",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        ::core::result::Result::Ok(MessageView {
            __pcap_prefix,
            __pcap_header: __pcap_buf,
            __pcap_payload: __pcap_rest,
            __pcap_endian: <__E as ::pcap_core::ByteOrder>::ENDIAN,
            __pcap_d_extra: __pcap_f_extra,
            __pcap_d_name: __pcap_f_name,
            __pcap_d_tail: __pcap_f_tail,
        })
    }
    /// Lax prefix parse, for a header cut short: never fails. Every
    /// field (per `flags`) whose bytes are within `bytes` is reported
    /// as the flags say; fields that do not fit, fields after an
    /// unknown length and `when` fields whose condition cannot be
    /// evaluated are `Skipped` (all of them for a header declared
    /// `partial = false`). For a complete header it equals
    /// `parse_endian(bytes, flags, endian)`'s header.
    #[inline]
    pub fn parse_prefix(
        bytes: &'a [u8],
        flags: MessageFields,
        endian: ::pcap_core::Endian,
    ) -> Self {
        Self::__pcap_prefix_parse(bytes, flags, endian).0
    }
    /// The header and whether the strict parse accepted it.
    fn __pcap_prefix_parse(
        __pcap_bytes: &'a [u8],
        __pcap_flags: MessageFields,
        __pcap_endian: ::pcap_core::Endian,
    ) -> (Self, bool) {
        match __pcap_endian {
            ::pcap_core::Endian::Big => {
                match Self::__pcap_parse::<
                    ::pcap_core::BigEndian,
                >(__pcap_bytes, __pcap_flags) {
                    ::core::result::Result::Ok((h, _)) => (h, true),
                    ::core::result::Result::Err(_) => {
                        (
                            Self::__pcap_parse_lax::<
                                ::pcap_core::BigEndian,
                            >(__pcap_bytes, __pcap_flags),
                            false,
                        )
                    }
                }
            }
            ::pcap_core::Endian::Little => {
                match Self::__pcap_parse::<
                    ::pcap_core::LittleEndian,
                >(__pcap_bytes, __pcap_flags) {
                    ::core::result::Result::Ok((h, _)) => (h, true),
                    ::core::result::Result::Err(_) => {
                        (
                            Self::__pcap_parse_lax::<
                                ::pcap_core::LittleEndian,
                            >(__pcap_bytes, __pcap_flags),
                            false,
                        )
                    }
                }
            }
        }
    }
    #[allow(
        unused_variables,
        unused_mut,
        unused_parens,
        unused_assignments,
        unreachable_patterns,
        clippy::all
    )]
    fn __pcap_parse_lax<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
        __pcap_flags: MessageFields,
    ) -> Self {
        let __pcap_flags: u8 = __pcap_flags.bits();
        let mut __pcap_avail: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: ::core::option::Option<usize> = ::core::option::Option::Some(
            0,
        );
        let mut __pcap_cut: bool = false;
        let (
            __pcap_f_flags,
            __pcap_l_flags,
        ): (::pcap_core::Field<'a, u8>, ::core::option::Option<u8>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                1usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 1usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<u8> = if true {
                __pcap_raw.map(|r| <u8 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u8> = if __pcap_flags & (2 as u8)
                != 0
            {
                match &__pcap_val {
                    ::core::option::Option::Some(v) => {
                        ::pcap_core::Field::Value(::core::clone::Clone::clone(v))
                    }
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (1 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        let (
            __pcap_f_extra,
            _,
        ): (
            ::pcap_core::Field<'a, u16>,
            ::core::option::Option<::core::option::Option<u16>>,
        ) = match match (&__pcap_l_flags,) {
            (::core::option::Option::Some(__pcap_r_flags),) => {
                let flags: u8 = ::core::clone::Clone::clone(__pcap_r_flags);
                (|| -> ::core::option::Option<bool> {
                    ::core::option::Option::Some((flags & 1 != 0))
                })()
            }
            _ => ::core::option::Option::None,
        } {
            ::core::option::Option::Some(true) => {
                let (
                    __pcap_field,
                    __pcap_val,
                ): (::pcap_core::Field<'a, u16>, ::core::option::Option<u16>) = {
                    let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                        __pcap_avail,
                        __pcap_pos,
                        0,
                        2usize,
                    );
                    __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 2usize);
                    let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                        .map(|s| ::pcap_core::Raw::new(
                            s,
                            <__E as ::pcap_core::ByteOrder>::ENDIAN,
                        ));
                    let mut __pcap_val: ::core::option::Option<u16> = if __pcap_flags
                        & (8 as u8) != 0
                    {
                        __pcap_raw.map(|r| <u16 as ::pcap_core::Unpack>::unpack(&r))
                    } else {
                        ::core::option::Option::None
                    };
                    let __pcap_field: ::pcap_core::Field<'a, u16> = if __pcap_flags
                        & (8 as u8) != 0
                    {
                        match __pcap_val.take() {
                            ::core::option::Option::Some(v) => {
                                ::pcap_core::Field::Value(v)
                            }
                            ::core::option::Option::None => ::pcap_core::Field::Skipped,
                        }
                    } else if __pcap_flags & (4 as u8) != 0 {
                        match __pcap_raw {
                            ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                            ::core::option::Option::None => ::pcap_core::Field::Skipped,
                        }
                    } else {
                        ::pcap_core::Field::Skipped
                    };
                    (__pcap_field, __pcap_val)
                };
                (__pcap_field, __pcap_val.map(::core::option::Option::Some))
            }
            ::core::option::Option::Some(false) => {
                (
                    ::pcap_core::Field::Skipped,
                    ::core::option::Option::Some(::core::option::Option::None),
                )
            }
            ::core::option::Option::None => {
                __pcap_pos = ::core::option::Option::None;
                (::pcap_core::Field::Skipped, ::core::option::Option::None)
            }
        };
        let (
            __pcap_f_name,
            _,
        ): (::pcap_core::Field<'a, Name<'a>>, ::core::option::Option<Name<'a>>) = {
            let __pcap_dec: ::core::option::Option<(Name<'a>, &'a [u8])> = match __pcap_pos
                .and_then(|p| __pcap_avail.get(p..))
            {
                ::core::option::Option::Some(rest) => {
                    match decode_name(rest) {
                        ::core::result::Result::Ok((v, used)) => {
                            rest.get(..used).map(|s| (v, s))
                        }
                        ::core::result::Result::Err(_) => ::core::option::Option::None,
                    }
                }
                ::core::option::Option::None => ::core::option::Option::None,
            };
            let __pcap_span: ::core::option::Option<&'a [u8]> = __pcap_dec
                .as_ref()
                .map(|d| d.1);
            __pcap_pos = match __pcap_span {
                ::core::option::Option::Some(s) => {
                    ::pcap_core::__private::lax_advance(__pcap_pos, s.len())
                }
                ::core::option::Option::None => ::core::option::Option::None,
            };
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<Name<'a>> = if __pcap_flags
                & (32 as u8) != 0
            {
                __pcap_dec.map(|d| d.0)
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, Name<'a>> = if __pcap_flags
                & (32 as u8) != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (16 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        let (
            __pcap_f_tail,
            _,
        ): (::pcap_core::Field<'a, u8>, ::core::option::Option<u8>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                1usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 1usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<u8> = if __pcap_flags
                & (128 as u8) != 0
            {
                __pcap_raw.map(|r| <u8 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u8> = if __pcap_flags & (128 as u8)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (64 as u8) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        Message {
            flags: __pcap_f_flags,
            extra: __pcap_f_extra,
            name: __pcap_f_name,
            tail: __pcap_f_tail,
        }
    }
    /// Calls `visit` with each present field (a `Value`, or a `Raw`
    /// decoded now; `Skipped` fields are not visited), in declaration
    /// order: its `FieldSpec` (one of `Self::FIELDS`) and its value.
    #[allow(unused_variables, clippy::all)]
    pub fn visit(
        &self,
        __pcap_visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) {
        match &self.flags {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[0usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u8 = <u8 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[0usize], __pcap_fv);
                }
            }
        }
        match &self.extra {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[1usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u16 = <u16 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[1usize], __pcap_fv);
                }
            }
        }
        match &self.name {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[2usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                if let ::core::result::Result::Ok((__pcap_d, _)) = decode_name(
                    __pcap_r.bytes(),
                ) {
                    let __pcap_d: Name<'a> = __pcap_d;
                    if let ::core::option::Option::Some(__pcap_fv) = {
                        #[allow(unused_imports)]
                        use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                        (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                    } {
                        __pcap_visit(&Self::FIELDS[2usize], __pcap_fv);
                    }
                }
            }
        }
        match &self.tail {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[3usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u8 = <u8 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[3usize], __pcap_fv);
                }
            }
        }
    }
    /// Visits every field that fits in `bytes` (all fields unpacked,
    /// lax prefix parse in `endian`); returns whether the whole header
    /// was present.
    pub fn visit_bytes(
        __pcap_bytes: &[u8],
        __pcap_endian: ::pcap_core::Endian,
        __pcap_visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) -> bool {
        let (__pcap_header, __pcap_whole) = Message::__pcap_prefix_parse(
            __pcap_bytes,
            MessageFields::ALL,
            __pcap_endian,
        );
        __pcap_header.visit(__pcap_visit);
        __pcap_whole
    }
}
///A lazy view of a [`Message`]: bounds checked once by `Message::view`, fields decoded on access.
#[derive(Clone, Copy)]
pub struct MessageView<'a> {
    __pcap_prefix: &'a [u8; (1usize)],
    __pcap_header: &'a [u8],
    __pcap_payload: &'a [u8],
    __pcap_endian: ::pcap_core::Endian,
    __pcap_d_extra: ::core::option::Option<&'a [u8; 2usize]>,
    __pcap_d_name: &'a [u8],
    __pcap_d_tail: &'a [u8; 1usize],
}
#[allow(dead_code, unused_parens, clippy::all)]
impl<'a> MessageView<'a> {
    ///Field `flags`, decoded now.
    #[inline]
    pub fn flags(&self) -> u8 {
        match self.__pcap_endian {
            ::pcap_core::Endian::Big => {
                u8::from_be_bytes([self.__pcap_prefix[(0usize) + 0usize]])
            }
            ::pcap_core::Endian::Little => {
                u8::from_le_bytes([self.__pcap_prefix[(0usize) + 0usize]])
            }
        }
    }
    ///Field `extra`, decoded now.
    ///
    ///`None` when the field's `when` condition was false.
    #[inline]
    pub fn extra(&self) -> ::core::option::Option<u16> {
        match self.__pcap_d_extra {
            ::core::option::Option::Some(__pcap_c) => {
                ::core::option::Option::Some(
                    match self.__pcap_endian {
                        ::pcap_core::Endian::Big => {
                            u16::from_be_bytes([
                                __pcap_c[0usize + 0usize],
                                __pcap_c[0usize + 1usize],
                            ])
                        }
                        ::pcap_core::Endian::Little => {
                            u16::from_le_bytes([
                                __pcap_c[0usize + 0usize],
                                __pcap_c[0usize + 1usize],
                            ])
                        }
                    },
                )
            }
            ::core::option::Option::None => ::core::option::Option::None,
        }
    }
    ///Field `name`, decoded now.
    #[inline]
    pub fn name(&self) -> ::core::result::Result<Name<'a>, ::pcap_core::Error> {
        match decode_name(self.__pcap_d_name) {
            ::core::result::Result::Ok((v, _)) => ::core::result::Result::Ok(v),
            ::core::result::Result::Err(e) => {
                ::core::result::Result::Err(
                    ::pcap_core::__private::in_field(
                        e,
                        "Message",
                        "name",
                        ::pcap_core::__private::offset_in(
                            self.__pcap_header,
                            self.__pcap_d_name,
                        ),
                    ),
                )
            }
        }
    }
    ///Field `tail`, decoded now.
    #[inline]
    pub fn tail(&self) -> u8 {
        match self.__pcap_endian {
            ::pcap_core::Endian::Big => {
                u8::from_be_bytes([self.__pcap_d_tail[0usize + 0usize]])
            }
            ::pcap_core::Endian::Little => {
                u8::from_le_bytes([self.__pcap_d_tail[0usize + 0usize]])
            }
        }
    }
}
impl<'a> ::core::fmt::Debug for MessageView<'a> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Message")
            .field("header", &self.__pcap_header)
            .finish_non_exhaustive()
    }
}
impl<'a> ::pcap_core::HeaderView<'a> for MessageView<'a> {
    #[inline]
    fn header_bytes(&self) -> &'a [u8] {
        self.__pcap_header
    }
    #[inline]
    fn payload(&self) -> &'a [u8] {
        self.__pcap_payload
    }
}
impl<'a> ::pcap_core::Header<'a> for Message<'a> {
    type Flags = MessageFields;
    type View = MessageView<'a>;
    const NAME: &'static str = "message";
    const FIELDS: &'static [::pcap_core::FieldSpec] = Message::FIELDS;
    const FIXED_LEN: usize = Message::FIXED_LEN;
    const DEFAULT: MessageFields = MessageFields::DEFAULT;
    const ALL: MessageFields = MessageFields::ALL;
    #[inline]
    fn parse(
        bytes: &'a [u8],
        flags: MessageFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Message::parse(bytes, flags)
    }
    #[inline]
    fn parse_endian(
        bytes: &'a [u8],
        flags: MessageFields,
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Message::parse_endian(bytes, flags, endian)
    }
    #[inline]
    fn header_len(bytes: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Message::header_len(bytes)
    }
    #[inline]
    fn header_len_endian(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Message::header_len_endian(bytes, endian)
    }
    #[inline]
    fn view(
        bytes: &'a [u8],
    ) -> ::core::result::Result<MessageView<'a>, ::pcap_core::Error> {
        Message::view(bytes)
    }
    #[inline]
    fn visit(
        &self,
        visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) {
        Message::visit(self, visit)
    }
    #[inline]
    fn parse_prefix(
        bytes: &'a [u8],
        flags: MessageFields,
        endian: ::pcap_core::Endian,
    ) -> Self {
        Message::parse_prefix(bytes, flags, endian)
    }
    #[inline]
    fn visit_bytes(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
        visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) -> bool {
        Message::visit_bytes(bytes, endian, visit)
    }
}
