//! What a notification is about and what a person does with notifications
//! from each kind of sender, under Mastodon's names.
use super::text_enum::text_enum;

text_enum! {
    /// Mastodon's notification types (the `type` of the Notification entity).
    pub enum NotificationKind("notification type") {
        /// Someone mentioned you.
        Mention => "mention",
        /// Someone you enabled notifications for posted.
        Status => "status",
        /// Someone boosted one of your posts.
        Reblog => "reblog",
        /// Someone followed you.
        Follow => "follow",
        /// Someone asked to follow you.
        FollowRequest => "follow_request",
        /// Someone favourited one of your posts.
        Favourite => "favourite",
        /// A poll you voted in or made ended.
        Poll => "poll",
        /// A post you interacted with was edited.
        Update => "update",
        /// Someone signed up (staff only).
        AdminSignUp => "admin.sign_up",
        /// A new report (staff only).
        AdminReport => "admin.report",
        /// Relationships were severed by a moderation action.
        SeveredRelationships => "severed_relationships",
        /// A moderator warned you or acted on your account.
        ModerationWarning => "moderation_warning",
        /// Someone quoted one of your posts.
        Quote => "quote",
        /// A post that quoted you was edited.
        QuotedUpdate => "quoted_update",
        /// Your annual report is ready.
        AnnualReport => "annual_report",
    }
}

text_enum! {
    /// What a notification policy does with notifications from one kind of
    /// sender (Mastodon 4.3+).
    pub enum PolicyChoice("notification policy value") {
        /// Shown as usual.
        Accept => "accept",
        /// Held in notification requests.
        Filter => "filter",
        /// Not created at all.
        Drop => "drop",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(
            NotificationKind::parse("admin.sign_up"),
            Some(NotificationKind::AdminSignUp)
        );
        let unknown = "boost".parse::<NotificationKind>().unwrap_err();
        assert_eq!(unknown.to_string(), "unknown notification type \"boost\"");
    }

    #[test]
    fn kinds_serialize_as_mastodon_names() {
        let json = serde_json::to_string(&[NotificationKind::FollowRequest]).unwrap();
        assert_eq!(json, r#"["follow_request"]"#);
        let back: PolicyChoice = serde_json::from_str(r#""filter""#).unwrap();
        assert_eq!(back, PolicyChoice::Filter);
        assert!(serde_json::from_str::<PolicyChoice>(r#""maybe""#).is_err());
    }
}
