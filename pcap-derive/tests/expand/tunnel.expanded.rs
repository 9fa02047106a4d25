::pcap_core::__private::bitflags::bitflags! {
    #[doc = "PARSE and UNPACK flags for the fields of [`Tunnel`]."] #[derive(Debug,
    Clone, Copy, PartialEq, Eq, Hash)] pub struct TunnelFields : u16 { #[doc =
    "PARSE `version`: read it and keep its raw bytes."] const PARSE_VERSION = (1 as u16);
    #[doc = "UNPACK `version`: read and decode it (implies PARSE)."] const UNPACK_VERSION
    = (3 as u16); #[doc = "PARSE `hlen`: read it and keep its raw bytes."] const
    PARSE_HLEN = (4 as u16); #[doc =
    "UNPACK `hlen`: read and decode it (implies PARSE)."] const UNPACK_HLEN = (12 as
    u16); #[doc = "PARSE `next`: read it and keep its raw bytes."] const PARSE_NEXT = (16
    as u16); #[doc = "UNPACK `next`: read and decode it (implies PARSE)."] const
    UNPACK_NEXT = (48 as u16); #[doc = "PARSE `urgent`: read it and keep its raw bytes."]
    const PARSE_URGENT = (64 as u16); #[doc =
    "UNPACK `urgent`: read and decode it (implies PARSE)."] const UNPACK_URGENT = (192 as
    u16); #[doc = "PARSE `session`: read it and keep its raw bytes."] const PARSE_SESSION
    = (256 as u16); #[doc = "UNPACK `session`: read and decode it (implies PARSE)."]
    const UNPACK_SESSION = (768 as u16); #[doc =
    "PARSE `origin`: read it and keep its raw bytes."] const PARSE_ORIGIN = (1024 as
    u16); #[doc = "UNPACK `origin`: read and decode it (implies PARSE)."] const
    UNPACK_ORIGIN = (3072 as u16); #[doc =
    "PARSE `options`: read it and keep its raw bytes."] const PARSE_OPTIONS = (4096 as
    u16); #[doc = "UNPACK `options`: read and decode it (implies PARSE)."] const
    UNPACK_OPTIONS = (12288 as u16); }
}
impl TunnelFields {
    /// No field: only what is needed to find the header's end is read.
    pub const NONE: Self = Self::empty();
    /// UNPACK of the fields marked `#[field(default)]`.
    pub const DEFAULT: Self = Self::from_bits_retain((60 as u16));
    /// PARSE of every field.
    pub const PARSE_ALL: Self = Self::from_bits_retain((5461 as u16));
    /// UNPACK of every field.
    pub const ALL: Self = Self::from_bits_retain((16383 as u16));
}
impl ::core::default::Default for TunnelFields {
    fn default() -> Self {
        Self::DEFAULT
    }
}
#[allow(dead_code)]
impl<'a> Tunnel<'a> {
    ///PARSE `version`: read it and keep its raw bytes.
    pub const PARSE_VERSION: TunnelFields = TunnelFields::PARSE_VERSION;
    ///UNPACK `version`: read and decode it (implies PARSE).
    pub const UNPACK_VERSION: TunnelFields = TunnelFields::UNPACK_VERSION;
    ///PARSE `hlen`: read it and keep its raw bytes.
    pub const PARSE_HLEN: TunnelFields = TunnelFields::PARSE_HLEN;
    ///UNPACK `hlen`: read and decode it (implies PARSE).
    pub const UNPACK_HLEN: TunnelFields = TunnelFields::UNPACK_HLEN;
    ///PARSE `next`: read it and keep its raw bytes.
    pub const PARSE_NEXT: TunnelFields = TunnelFields::PARSE_NEXT;
    ///UNPACK `next`: read and decode it (implies PARSE).
    pub const UNPACK_NEXT: TunnelFields = TunnelFields::UNPACK_NEXT;
    ///PARSE `urgent`: read it and keep its raw bytes.
    pub const PARSE_URGENT: TunnelFields = TunnelFields::PARSE_URGENT;
    ///UNPACK `urgent`: read and decode it (implies PARSE).
    pub const UNPACK_URGENT: TunnelFields = TunnelFields::UNPACK_URGENT;
    ///PARSE `session`: read it and keep its raw bytes.
    pub const PARSE_SESSION: TunnelFields = TunnelFields::PARSE_SESSION;
    ///UNPACK `session`: read and decode it (implies PARSE).
    pub const UNPACK_SESSION: TunnelFields = TunnelFields::UNPACK_SESSION;
    ///PARSE `origin`: read it and keep its raw bytes.
    pub const PARSE_ORIGIN: TunnelFields = TunnelFields::PARSE_ORIGIN;
    ///UNPACK `origin`: read and decode it (implies PARSE).
    pub const UNPACK_ORIGIN: TunnelFields = TunnelFields::UNPACK_ORIGIN;
    ///PARSE `options`: read it and keep its raw bytes.
    pub const PARSE_OPTIONS: TunnelFields = TunnelFields::PARSE_OPTIONS;
    ///UNPACK `options`: read and decode it (implies PARSE).
    pub const UNPACK_OPTIONS: TunnelFields = TunnelFields::UNPACK_OPTIONS;
    /// No field: only what is needed to find the header's end is read.
    pub const NONE: TunnelFields = TunnelFields::NONE;
    /// UNPACK of the fields marked `#[field(default)]`.
    pub const DEFAULT: TunnelFields = TunnelFields::DEFAULT;
    /// PARSE of every field.
    pub const PARSE_ALL: TunnelFields = TunnelFields::PARSE_ALL;
    /// UNPACK of every field.
    pub const ALL: TunnelFields = TunnelFields::ALL;
    ///The header's display name, `tunnel` (`Header::NAME`).
    pub const NAME: &'static str = "tunnel";
    ///Layout of field `version` (display name `version`).
    pub const VERSION: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "version",
        display_name: "version",
        bit_offset: ::core::option::Option::Some((0usize) + 0usize),
        bit_width: ::core::option::Option::Some(4usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `hlen` (display name `hlen`).
    pub const HLEN: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "hlen",
        display_name: "hlen",
        bit_offset: ::core::option::Option::Some((0usize) + 4usize),
        bit_width: ::core::option::Option::Some(4usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `next` (display name `next`).
    pub const NEXT: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "next",
        display_name: "next",
        bit_offset: ::core::option::Option::Some((8usize)),
        bit_width: ::core::option::Option::Some(16usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `urgent` (display name `urgent`).
    pub const URGENT: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "urgent",
        display_name: "urgent",
        bit_offset: ::core::option::Option::Some((24usize) + 0usize),
        bit_width: ::core::option::Option::Some(1usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `session` (display name `session`).
    pub const SESSION: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "session",
        display_name: "session",
        bit_offset: ::core::option::Option::Some((24usize) + 1usize),
        bit_width: ::core::option::Option::Some(23usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `origin` (display name `origin`).
    pub const ORIGIN: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "origin",
        display_name: "origin",
        bit_offset: ::core::option::Option::Some((48usize)),
        bit_width: ::core::option::Option::Some(48usize),
        display: ::pcap_core::Display::Default,
    };
    ///Layout of field `options` (display name `options`).
    pub const OPTIONS: ::pcap_core::FieldSpec = ::pcap_core::FieldSpec {
        name: "options",
        display_name: "options",
        bit_offset: ::core::option::Option::Some((96usize)),
        bit_width: ::core::option::Option::None,
        display: ::pcap_core::Display::Default,
    };
    /// Every field's layout, in declaration order.
    pub const FIELDS: &'static [::pcap_core::FieldSpec] = &[
        Self::VERSION,
        Self::HLEN,
        Self::NEXT,
        Self::URGENT,
        Self::SESSION,
        Self::ORIGIN,
        Self::OPTIONS,
    ];
    /// Length in bytes of the constant-layout prefix.
    pub const FIXED_LEN: usize = (12usize);
    /// Parses the header in its declared byte order; returns it and the bytes after it.
    #[inline]
    pub fn parse(
        bytes: &'a [u8],
        flags: TunnelFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Self::__pcap_parse::<::pcap_core::BigEndian>(bytes, flags)
    }
    /// Parses with `endian` for every whole-byte field without an `endian` of its own.
    #[inline]
    pub fn parse_endian(
        bytes: &'a [u8],
        flags: TunnelFields,
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
        flags: TunnelFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Self::__pcap_parse::<__E>(bytes, flags)
    }
    /// The header's length, reading only what its `len` needs.
    #[inline]
    pub fn header_len(
        bytes: &[u8],
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Tunnel::__pcap_header_len::<::pcap_core::BigEndian>(bytes)
    }
    /// [`Self::header_len`] in the given byte order.
    #[inline]
    pub fn header_len_endian(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        match endian {
            ::pcap_core::Endian::Big => {
                Tunnel::__pcap_header_len::<::pcap_core::BigEndian>(bytes)
            }
            ::pcap_core::Endian::Little => {
                Tunnel::__pcap_header_len::<::pcap_core::LittleEndian>(bytes)
            }
        }
    }
    /// A lazy view: bounds are checked once, here.
    #[inline]
    pub fn view(
        bytes: &'a [u8],
    ) -> ::core::result::Result<TunnelView<'a>, ::pcap_core::Error> {
        Self::view_endian(bytes, ::pcap_core::Endian::Big)
    }
    /// A lazy view reading whole-byte fields in `endian`.
    #[inline]
    pub fn view_endian(
        bytes: &'a [u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<TunnelView<'a>, ::pcap_core::Error> {
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
        __pcap_flags: TunnelFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        let __pcap_flags: u16 = __pcap_flags.bits();
        let __pcap_prefix: &'a [u8; (12usize)] = match __pcap_bytes
            .first_chunk::<{ (12usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Tunnel",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let __pcap_run0: u8 = u8::from_be_bytes([__pcap_prefix[(0usize) + 0usize]]);
        let __pcap_run1: u32 = (::pcap_core::__private::load_be::<
            3usize,
        >(
            &[
                __pcap_prefix[(3usize) + 0usize],
                __pcap_prefix[(3usize) + 1usize],
                __pcap_prefix[(3usize) + 2usize],
            ],
        ) as u32);
        let __pcap_f_version: ::pcap_core::Field<'a, u8> = if __pcap_flags & (2 as u16)
            != 0
        {
            ::pcap_core::Field::Value((((__pcap_run0 >> 4usize) & (15 as u8)) as u8))
        } else if __pcap_flags & (1 as u16) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::bits(
                    &__pcap_prefix[(0usize) + 0usize..(0usize) + 1usize],
                    0u8,
                    4u32,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let hlen: u8 = (((__pcap_run0 >> 0usize) & (15 as u8)) as u8);
        let __pcap_f_hlen: ::pcap_core::Field<'a, u8> = if __pcap_flags & (8 as u16) != 0
        {
            ::pcap_core::Field::Value(::core::clone::Clone::clone(&hlen))
        } else if __pcap_flags & (4 as u16) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::bits(
                    &__pcap_prefix[(0usize) + 0usize..(0usize) + 1usize],
                    4u8,
                    4u32,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_next: ::pcap_core::Field<'a, u16> = if __pcap_flags & (32 as u16)
            != 0
        {
            ::pcap_core::Field::Value(
                if <__E as ::pcap_core::ByteOrder>::IS_BIG {
                    u16::from_be_bytes([
                        __pcap_prefix[(1usize) + 0usize],
                        __pcap_prefix[(1usize) + 1usize],
                    ])
                } else {
                    u16::from_le_bytes([
                        __pcap_prefix[(1usize) + 0usize],
                        __pcap_prefix[(1usize) + 1usize],
                    ])
                },
            )
        } else if __pcap_flags & (16 as u16) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(1usize)..(1usize) + 2usize],
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_urgent: ::pcap_core::Field<'a, bool> = if __pcap_flags
            & (128 as u16) != 0
        {
            ::pcap_core::Field::Value((((__pcap_run1 >> 23usize) & (1 as u32)) != 0))
        } else if __pcap_flags & (64 as u16) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::bits(
                    &__pcap_prefix[(3usize) + 0usize..(3usize) + 1usize],
                    0u8,
                    1u32,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_session: ::pcap_core::Field<'a, u32> = if __pcap_flags
            & (512 as u16) != 0
        {
            ::pcap_core::Field::Value(
                (((__pcap_run1 >> 0usize) & (8388607 as u32)) as u32),
            )
        } else if __pcap_flags & (256 as u16) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::bits(
                    &__pcap_prefix[(3usize) + 0usize..(3usize) + 3usize],
                    1u8,
                    23u32,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_f_origin: ::pcap_core::Field<'a, MacAddr> = if __pcap_flags
            & (2048 as u16) != 0
        {
            ::pcap_core::Field::Value(
                ::pcap_core::MacAddr(
                    ::pcap_core::__private::array::<
                        6,
                    >(&__pcap_prefix[(6usize)..(6usize) + 6]),
                ),
            )
        } else if __pcap_flags & (1024 as u16) != 0 {
            ::pcap_core::Field::Raw(
                ::pcap_core::Raw::new(
                    &__pcap_prefix[(6usize)..(6usize) + 6usize],
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ),
            )
        } else {
            ::pcap_core::Field::Skipped
        };
        let __pcap_end: usize = match ((::pcap_core::__private::checked(hlen)
            * ::pcap_core::__private::Checked::lit(4i64)))
            .to_len()
        {
            ::core::option::Option::Some(n) => n,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::invalid_len(
                        "Tunnel",
                        "(header)",
                        0,
                        "the header `len` expression is negative or overflows",
                    ),
                );
            }
        };
        if __pcap_end < (12usize) {
            return ::core::result::Result::Err(
                ::pcap_core::__private::header_len_too_short(
                    "Tunnel",
                    __pcap_end,
                    (12usize),
                ),
            );
        }
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Tunnel",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let mut __pcap_pos: usize = (12usize);
        let __pcap_len: usize = match (((::pcap_core::__private::checked(hlen)
            * ::pcap_core::__private::Checked::lit(4i64))
            - ::pcap_core::__private::Checked::lit(12i64)))
            .to_len()
        {
            ::core::option::Option::Some(n) => n,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::invalid_len(
                        "Tunnel",
                        "options",
                        __pcap_pos,
                        "`len` is negative or overflows",
                    ),
                );
            }
        };
        let __pcap_s_options: &'a [u8] = match __pcap_pos
            .checked_add(__pcap_len)
            .and_then(|end| __pcap_buf.get(__pcap_pos..end))
        {
            ::core::option::Option::Some(s) => s,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::past_header_len(
                        "Tunnel",
                        "options",
                        __pcap_pos,
                        __pcap_pos.saturating_add(__pcap_len),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_options, _) = {
            let __pcap_field: ::pcap_core::Field<'a, &'a [u8]> = if __pcap_flags
                & (8192 as u16) != 0
            {
                ::pcap_core::Field::Value(__pcap_s_options)
            } else if __pcap_flags & (4096 as u16) != 0 {
                ::pcap_core::Field::Raw(
                    ::pcap_core::Raw::new(
                        __pcap_s_options,
                        <__E as ::pcap_core::ByteOrder>::ENDIAN,
                    ),
                )
            } else {
                ::pcap_core::Field::Skipped
            };
            __pcap_pos += __pcap_len;
            (__pcap_field, ())
        };
        ::core::result::Result::Ok((
            Tunnel {
                version: __pcap_f_version,
                hlen: __pcap_f_hlen,
                next: __pcap_f_next,
                urgent: __pcap_f_urgent,
                session: __pcap_f_session,
                origin: __pcap_f_origin,
                options: __pcap_f_options,
            },
            __pcap_rest,
        ))
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_header_len<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        let __pcap_prefix: &'a [u8; (12usize)] = match __pcap_bytes
            .first_chunk::<{ (12usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Tunnel",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let __pcap_run0: u8 = u8::from_be_bytes([__pcap_prefix[(0usize) + 0usize]]);
        let hlen: u8 = (((__pcap_run0 >> 0usize) & (15 as u8)) as u8);
        let __pcap_end: usize = match ((::pcap_core::__private::checked(hlen)
            * ::pcap_core::__private::Checked::lit(4i64)))
            .to_len()
        {
            ::core::option::Option::Some(n) => n,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::invalid_len(
                        "Tunnel",
                        "(header)",
                        0,
                        "the header `len` expression is negative or overflows",
                    ),
                );
            }
        };
        if __pcap_end < (12usize) {
            return ::core::result::Result::Err(
                ::pcap_core::__private::header_len_too_short(
                    "Tunnel",
                    __pcap_end,
                    (12usize),
                ),
            );
        }
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Tunnel",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let mut __pcap_pos: usize = (12usize);
        let __pcap_len: usize = match (((::pcap_core::__private::checked(hlen)
            * ::pcap_core::__private::Checked::lit(4i64))
            - ::pcap_core::__private::Checked::lit(12i64)))
            .to_len()
        {
            ::core::option::Option::Some(n) => n,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::invalid_len(
                        "Tunnel",
                        "options",
                        __pcap_pos,
                        "`len` is negative or overflows",
                    ),
                );
            }
        };
        let __pcap_s_options: &'a [u8] = match __pcap_pos
            .checked_add(__pcap_len)
            .and_then(|end| __pcap_buf.get(__pcap_pos..end))
        {
            ::core::option::Option::Some(s) => s,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::past_header_len(
                        "Tunnel",
                        "options",
                        __pcap_pos,
                        __pcap_pos.saturating_add(__pcap_len),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_options, _) = {
            __pcap_pos += __pcap_len;
            ((), ())
        };
        ::core::result::Result::Ok(__pcap_buf.len())
    }
    #[inline]
    #[allow(unused_variables, unused_mut, unused_parens, clippy::all)]
    fn __pcap_view<__E: ::pcap_core::ByteOrder>(
        __pcap_bytes: &'a [u8],
    ) -> ::core::result::Result<TunnelView<'a>, ::pcap_core::Error> {
        let __pcap_prefix: &'a [u8; (12usize)] = match __pcap_bytes
            .first_chunk::<{ (12usize) }>()
        {
            ::core::option::Option::Some(p) => p,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated_prefix(
                        "Tunnel",
                        Self::FIELDS,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let __pcap_run0: u8 = u8::from_be_bytes([__pcap_prefix[(0usize) + 0usize]]);
        let hlen: u8 = (((__pcap_run0 >> 0usize) & (15 as u8)) as u8);
        let __pcap_end: usize = match ((::pcap_core::__private::checked(hlen)
            * ::pcap_core::__private::Checked::lit(4i64)))
            .to_len()
        {
            ::core::option::Option::Some(n) => n,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::invalid_len(
                        "Tunnel",
                        "(header)",
                        0,
                        "the header `len` expression is negative or overflows",
                    ),
                );
            }
        };
        if __pcap_end < (12usize) {
            return ::core::result::Result::Err(
                ::pcap_core::__private::header_len_too_short(
                    "Tunnel",
                    __pcap_end,
                    (12usize),
                ),
            );
        }
        let (__pcap_buf, __pcap_rest): (&'a [u8], &'a [u8]) = match __pcap_bytes
            .split_at_checked(__pcap_end)
        {
            ::core::option::Option::Some(x) => x,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::truncated(
                        "Tunnel",
                        "(header)",
                        0,
                        __pcap_end,
                        __pcap_bytes.len(),
                    ),
                );
            }
        };
        let mut __pcap_pos: usize = (12usize);
        let __pcap_len: usize = match (((::pcap_core::__private::checked(hlen)
            * ::pcap_core::__private::Checked::lit(4i64))
            - ::pcap_core::__private::Checked::lit(12i64)))
            .to_len()
        {
            ::core::option::Option::Some(n) => n,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::invalid_len(
                        "Tunnel",
                        "options",
                        __pcap_pos,
                        "`len` is negative or overflows",
                    ),
                );
            }
        };
        let __pcap_s_options: &'a [u8] = match __pcap_pos
            .checked_add(__pcap_len)
            .and_then(|end| __pcap_buf.get(__pcap_pos..end))
        {
            ::core::option::Option::Some(s) => s,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(
                    ::pcap_core::__private::past_header_len(
                        "Tunnel",
                        "options",
                        __pcap_pos,
                        __pcap_pos.saturating_add(__pcap_len),
                        __pcap_buf.len(),
                    ),
                );
            }
        };
        let (__pcap_f_options, _) = {
            let __pcap_slot = __pcap_s_options;
            __pcap_pos += __pcap_len;
            (__pcap_slot, ())
        };
        ::core::result::Result::Ok(TunnelView {
            __pcap_prefix,
            __pcap_header: __pcap_buf,
            __pcap_payload: __pcap_rest,
            __pcap_endian: <__E as ::pcap_core::ByteOrder>::ENDIAN,
            __pcap_d_options: __pcap_f_options,
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
        flags: TunnelFields,
        endian: ::pcap_core::Endian,
    ) -> Self {
        Self::__pcap_prefix_parse(bytes, flags, endian).0
    }
    /// The header and whether the strict parse accepted it.
    fn __pcap_prefix_parse(
        __pcap_bytes: &'a [u8],
        __pcap_flags: TunnelFields,
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
        __pcap_flags: TunnelFields,
    ) -> Self {
        let __pcap_flags: u16 = __pcap_flags.bits();
        let mut __pcap_avail: &'a [u8] = __pcap_bytes;
        let mut __pcap_pos: ::core::option::Option<usize> = ::core::option::Option::Some(
            0,
        );
        let mut __pcap_cut: bool = false;
        let (
            __pcap_f_version,
            _,
        ): (::pcap_core::Field<'a, u8>, ::core::option::Option<u8>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0usize,
                1usize,
            );
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::bits(s, 0u8, 4u32));
            let mut __pcap_val: ::core::option::Option<u8> = if __pcap_flags & (2 as u16)
                != 0
            {
                __pcap_raw.map(|r| <u8 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u8> = if __pcap_flags & (2 as u16)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (1 as u16) != 0 {
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
            __pcap_f_hlen,
            __pcap_l_hlen,
        ): (::pcap_core::Field<'a, u8>, ::core::option::Option<u8>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0usize,
                1usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 1usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::bits(s, 4u8, 4u32));
            let mut __pcap_val: ::core::option::Option<u8> = if true {
                __pcap_raw.map(|r| <u8 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u8> = if __pcap_flags & (8 as u16)
                != 0
            {
                match &__pcap_val {
                    ::core::option::Option::Some(v) => {
                        ::pcap_core::Field::Value(::core::clone::Clone::clone(v))
                    }
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (4 as u16) != 0 {
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
            __pcap_f_next,
            _,
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
                & (32 as u16) != 0
            {
                __pcap_raw.map(|r| <u16 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u16> = if __pcap_flags & (32 as u16)
                != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (16 as u16) != 0 {
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
            __pcap_f_urgent,
            _,
        ): (::pcap_core::Field<'a, bool>, ::core::option::Option<bool>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0usize,
                1usize,
            );
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::bits(s, 0u8, 1u32));
            let mut __pcap_val: ::core::option::Option<bool> = if __pcap_flags
                & (128 as u16) != 0
            {
                __pcap_raw.map(|r| <bool as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, bool> = if __pcap_flags
                & (128 as u16) != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (64 as u16) != 0 {
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
            __pcap_f_session,
            _,
        ): (::pcap_core::Field<'a, u32>, ::core::option::Option<u32>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0usize,
                3usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 3usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::bits(s, 1u8, 23u32));
            let mut __pcap_val: ::core::option::Option<u32> = if __pcap_flags
                & (512 as u16) != 0
            {
                __pcap_raw.map(|r| <u32 as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, u32> = if __pcap_flags
                & (512 as u16) != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (256 as u16) != 0 {
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
            __pcap_f_origin,
            _,
        ): (::pcap_core::Field<'a, MacAddr>, ::core::option::Option<MacAddr>) = {
            let __pcap_span: ::core::option::Option<&'a [u8]> = ::pcap_core::__private::lax_span(
                __pcap_avail,
                __pcap_pos,
                0,
                6usize,
            );
            __pcap_pos = ::pcap_core::__private::lax_advance(__pcap_pos, 6usize);
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<MacAddr> = if __pcap_flags
                & (2048 as u16) != 0
            {
                __pcap_raw.map(|r| <MacAddr as ::pcap_core::Unpack>::unpack(&r))
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, MacAddr> = if __pcap_flags
                & (2048 as u16) != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (1024 as u16) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        let __pcap_end: ::core::option::Option<usize> = match (&__pcap_l_hlen,) {
            (::core::option::Option::Some(__pcap_r_hlen),) => {
                let hlen: u8 = ::core::clone::Clone::clone(__pcap_r_hlen);
                ((::pcap_core::__private::checked(hlen)
                    * ::pcap_core::__private::Checked::lit(4i64)))
                    .to_len()
            }
            _ => ::core::option::Option::None,
        };
        match __pcap_end {
            ::core::option::Option::Some(e) if e >= (12usize) => {
                match __pcap_bytes.get(..e) {
                    ::core::option::Option::Some(h) => __pcap_avail = h,
                    ::core::option::Option::None => __pcap_cut = true,
                }
            }
            _ => __pcap_pos = ::core::option::Option::None,
        }
        let (
            __pcap_f_options,
            _,
        ): (::pcap_core::Field<'a, &'a [u8]>, ::core::option::Option<&'a [u8]>) = {
            let __pcap_n: ::core::option::Option<usize> = match (&__pcap_l_hlen,) {
                (::core::option::Option::Some(__pcap_r_hlen),) => {
                    let hlen: u8 = ::core::clone::Clone::clone(__pcap_r_hlen);
                    (((::pcap_core::__private::checked(hlen)
                        * ::pcap_core::__private::Checked::lit(4i64))
                        - ::pcap_core::__private::Checked::lit(12i64)))
                        .to_len()
                }
                _ => ::core::option::Option::None,
            };
            let __pcap_span: ::core::option::Option<&'a [u8]> = match __pcap_n {
                ::core::option::Option::Some(n) => {
                    ::pcap_core::__private::lax_span(__pcap_avail, __pcap_pos, 0, n)
                }
                ::core::option::Option::None => ::core::option::Option::None,
            };
            __pcap_pos = match __pcap_n {
                ::core::option::Option::Some(n) => {
                    ::pcap_core::__private::lax_advance(__pcap_pos, n)
                }
                ::core::option::Option::None => ::core::option::Option::None,
            };
            let __pcap_raw: ::core::option::Option<::pcap_core::Raw<'a>> = __pcap_span
                .map(|s| ::pcap_core::Raw::new(
                    s,
                    <__E as ::pcap_core::ByteOrder>::ENDIAN,
                ));
            let mut __pcap_val: ::core::option::Option<&'a [u8]> = if __pcap_flags
                & (8192 as u16) != 0
            {
                __pcap_span
            } else {
                ::core::option::Option::None
            };
            let __pcap_field: ::pcap_core::Field<'a, &'a [u8]> = if __pcap_flags
                & (8192 as u16) != 0
            {
                match __pcap_val.take() {
                    ::core::option::Option::Some(v) => ::pcap_core::Field::Value(v),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else if __pcap_flags & (4096 as u16) != 0 {
                match __pcap_raw {
                    ::core::option::Option::Some(r) => ::pcap_core::Field::Raw(r),
                    ::core::option::Option::None => ::pcap_core::Field::Skipped,
                }
            } else {
                ::pcap_core::Field::Skipped
            };
            (__pcap_field, __pcap_val)
        };
        Tunnel {
            version: __pcap_f_version,
            hlen: __pcap_f_hlen,
            next: __pcap_f_next,
            urgent: __pcap_f_urgent,
            session: __pcap_f_session,
            origin: __pcap_f_origin,
            options: __pcap_f_options,
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
        match &self.version {
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
        match &self.hlen {
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
                let __pcap_d: u8 = <u8 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[1usize], __pcap_fv);
                }
            }
        }
        match &self.next {
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
                let __pcap_d: u16 = <u16 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[2usize], __pcap_fv);
                }
            }
        }
        match &self.urgent {
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
                let __pcap_d: bool = <bool as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[3usize], __pcap_fv);
                }
            }
        }
        match &self.session {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[4usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: u32 = <u32 as ::pcap_core::Unpack>::unpack(__pcap_r);
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[4usize], __pcap_fv);
                }
            }
        }
        match &self.origin {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[5usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: MacAddr = <MacAddr as ::pcap_core::Unpack>::unpack(
                    __pcap_r,
                );
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[5usize], __pcap_fv);
                }
            }
        }
        match &self.options {
            ::pcap_core::Field::Skipped => {}
            ::pcap_core::Field::Value(__pcap_v) => {
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(__pcap_v)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[6usize], __pcap_fv);
                }
            }
            ::pcap_core::Field::Raw(__pcap_r) => {
                let __pcap_d: &'a [u8] = <&'a [u8] as ::pcap_core::Unpack>::unpack(
                    __pcap_r,
                );
                if let ::core::option::Option::Some(__pcap_fv) = {
                    #[allow(unused_imports)]
                    use ::pcap_core::__private::{ProbeNone as _, ProbeUnpack as _};
                    (&::pcap_core::__private::Probe(&__pcap_d)).__pcap_value()
                } {
                    __pcap_visit(&Self::FIELDS[6usize], __pcap_fv);
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
        let (__pcap_header, __pcap_whole) = Tunnel::__pcap_prefix_parse(
            __pcap_bytes,
            TunnelFields::ALL,
            __pcap_endian,
        );
        __pcap_header.visit(__pcap_visit);
        __pcap_whole
    }
}
///A lazy view of a [`Tunnel`]: bounds checked once by `Tunnel::view`, fields decoded on access.
#[derive(Clone, Copy)]
pub struct TunnelView<'a> {
    __pcap_prefix: &'a [u8; (12usize)],
    __pcap_header: &'a [u8],
    __pcap_payload: &'a [u8],
    __pcap_endian: ::pcap_core::Endian,
    __pcap_d_options: &'a [u8],
}
#[allow(dead_code, unused_parens, clippy::all)]
impl<'a> TunnelView<'a> {
    ///Field `version`, decoded now.
    #[inline]
    pub fn version(&self) -> u8 {
        (((u8::from_be_bytes([self.__pcap_prefix[(0usize) + 0usize]]) >> 4usize)
            & (15 as u8)) as u8)
    }
    ///Field `hlen`, decoded now.
    #[inline]
    pub fn hlen(&self) -> u8 {
        (((u8::from_be_bytes([self.__pcap_prefix[(0usize) + 0usize]]) >> 0usize)
            & (15 as u8)) as u8)
    }
    ///Field `next`, decoded now.
    #[inline]
    pub fn next(&self) -> u16 {
        match self.__pcap_endian {
            ::pcap_core::Endian::Big => {
                u16::from_be_bytes([
                    self.__pcap_prefix[(1usize) + 0usize],
                    self.__pcap_prefix[(1usize) + 1usize],
                ])
            }
            ::pcap_core::Endian::Little => {
                u16::from_le_bytes([
                    self.__pcap_prefix[(1usize) + 0usize],
                    self.__pcap_prefix[(1usize) + 1usize],
                ])
            }
        }
    }
    ///Field `urgent`, decoded now.
    #[inline]
    pub fn urgent(&self) -> bool {
        ((((::pcap_core::__private::load_be::<
            3usize,
        >(
            &[
                self.__pcap_prefix[(3usize) + 0usize],
                self.__pcap_prefix[(3usize) + 1usize],
                self.__pcap_prefix[(3usize) + 2usize],
            ],
        ) as u32) >> 23usize) & (1 as u32)) != 0)
    }
    ///Field `session`, decoded now.
    #[inline]
    pub fn session(&self) -> u32 {
        ((((::pcap_core::__private::load_be::<
            3usize,
        >(
            &[
                self.__pcap_prefix[(3usize) + 0usize],
                self.__pcap_prefix[(3usize) + 1usize],
                self.__pcap_prefix[(3usize) + 2usize],
            ],
        ) as u32) >> 0usize) & (8388607 as u32)) as u32)
    }
    ///Field `origin`, decoded now.
    #[inline]
    pub fn origin(&self) -> MacAddr {
        ::pcap_core::MacAddr(
            ::pcap_core::__private::array::<
                6,
            >(&self.__pcap_prefix[(6usize)..(6usize) + 6]),
        )
    }
    ///Field `options`, decoded now.
    #[inline]
    pub fn options(&self) -> &'a [u8] {
        self.__pcap_d_options
    }
}
impl<'a> ::core::fmt::Debug for TunnelView<'a> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Tunnel")
            .field("header", &self.__pcap_header)
            .finish_non_exhaustive()
    }
}
impl<'a> ::pcap_core::HeaderView<'a> for TunnelView<'a> {
    #[inline]
    fn header_bytes(&self) -> &'a [u8] {
        self.__pcap_header
    }
    #[inline]
    fn payload(&self) -> &'a [u8] {
        self.__pcap_payload
    }
}
impl<'a> ::pcap_core::Header<'a> for Tunnel<'a> {
    type Flags = TunnelFields;
    type View = TunnelView<'a>;
    const NAME: &'static str = "tunnel";
    const FIELDS: &'static [::pcap_core::FieldSpec] = Tunnel::FIELDS;
    const FIXED_LEN: usize = Tunnel::FIXED_LEN;
    const DEFAULT: TunnelFields = TunnelFields::DEFAULT;
    const ALL: TunnelFields = TunnelFields::ALL;
    #[inline]
    fn parse(
        bytes: &'a [u8],
        flags: TunnelFields,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Tunnel::parse(bytes, flags)
    }
    #[inline]
    fn parse_endian(
        bytes: &'a [u8],
        flags: TunnelFields,
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<(Self, &'a [u8]), ::pcap_core::Error> {
        Tunnel::parse_endian(bytes, flags, endian)
    }
    #[inline]
    fn header_len(bytes: &[u8]) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Tunnel::header_len(bytes)
    }
    #[inline]
    fn header_len_endian(
        bytes: &[u8],
        endian: ::pcap_core::Endian,
    ) -> ::core::result::Result<usize, ::pcap_core::Error> {
        Tunnel::header_len_endian(bytes, endian)
    }
    #[inline]
    fn view(
        bytes: &'a [u8],
    ) -> ::core::result::Result<TunnelView<'a>, ::pcap_core::Error> {
        Tunnel::view(bytes)
    }
    #[inline]
    fn visit(
        &self,
        visit: &mut dyn ::core::ops::FnMut(
            &'static ::pcap_core::FieldSpec,
            ::pcap_core::FieldValue<'_>,
        ),
    ) {
        Tunnel::visit(self, visit)
    }
    #[inline]
    fn parse_prefix(
        bytes: &'a [u8],
        flags: TunnelFields,
        endian: ::pcap_core::Endian,
    ) -> Self {
        Tunnel::parse_prefix(bytes, flags, endian)
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
        Tunnel::visit_bytes(bytes, endian, visit)
    }
}
