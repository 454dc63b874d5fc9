// @generated-style: mirrors migrations/; keep in step with every migration.

diesel::table! {
    accounts (id) {
        id -> Int8,
        username -> Text,
        domain -> Nullable<Text>,
        display_name -> Text,
        note -> Text,
        locked -> Bool,
        bot -> Bool,
        discoverable -> Bool,
        indexable -> Bool,
        hide_collections -> Bool,
        uri -> Text,
        url -> Nullable<Text>,
        inbox_url -> Text,
        shared_inbox_url -> Text,
        outbox_url -> Text,
        followers_url -> Text,
        public_key -> Text,
        private_key -> Nullable<Text>,
        avatar_url -> Nullable<Text>,
        header_url -> Nullable<Text>,
        fields -> Jsonb,
        suspended_at -> Nullable<Timestamptz>,
        silenced_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_status_at -> Nullable<Timestamptz>,
        statuses_count -> Int4,
        followers_count -> Int4,
        following_count -> Int4,
        moved_to_account_id -> Nullable<Int8>,
        sensitized_at -> Nullable<Timestamptz>,
        suspension_origin -> Nullable<Text>,
    }
}

diesel::table! {
    account_images (account_id) {
        account_id -> Int8,
        avatar_file_key -> Nullable<Text>,
        header_file_key -> Nullable<Text>,
        avatar_remote_url -> Nullable<Text>,
        header_remote_url -> Nullable<Text>,
        file_size -> Int8,
        cached_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    domain_blocks (id) {
        id -> Int8,
        domain -> Text,
        severity -> Text,
        reject_media -> Bool,
        reject_reports -> Bool,
        private_comment -> Nullable<Text>,
        public_comment -> Nullable<Text>,
        obfuscate -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    relays (id) {
        id -> Int8,
        inbox_url -> Text,
        state -> Text,
        follow_activity_id -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        actor_uri -> Nullable<Text>,
    }
}

diesel::table! {
    announcements (id) {
        id -> Int8,
        text -> Text,
        starts_at -> Nullable<Timestamptz>,
        ends_at -> Nullable<Timestamptz>,
        all_day -> Bool,
        published -> Bool,
        published_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    announcement_mutes (id) {
        id -> Int8,
        account_id -> Int8,
        announcement_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    announcement_reactions (id) {
        id -> Int8,
        account_id -> Int8,
        announcement_id -> Int8,
        name -> Text,
        custom_emoji_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    custom_emojis (id) {
        id -> Int8,
        shortcode -> Text,
        domain -> Nullable<Text>,
        uri -> Nullable<Text>,
        image_url -> Text,
        visible_in_picker -> Bool,
        disabled -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        image_file_key -> Nullable<Text>,
        image_content_type -> Nullable<Text>,
        image_file_size -> Nullable<Int4>,
        category -> Nullable<Text>,
    }
}

diesel::table! {
    polls (id) {
        id -> Int8,
        status_id -> Int8,
        account_id -> Int8,
        options -> Array<Text>,
        tallies -> Array<Int4>,
        multiple -> Bool,
        hide_totals -> Bool,
        votes_count -> Int4,
        voters_count -> Int4,
        expires_at -> Nullable<Timestamptz>,
        notified_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    poll_votes (id) {
        id -> Int8,
        poll_id -> Int8,
        account_id -> Int8,
        choice -> Int4,
        uri -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        account_id -> Int8,
        email -> Text,
        encrypted_password -> Text,
        role -> Text,
        confirmed_at -> Nullable<Timestamptz>,
        approved -> Bool,
        disabled -> Bool,
        locale -> Text,
        default_privacy -> Text,
        default_sensitive -> Bool,
        default_language -> Nullable<Text>,
        sign_up_reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        last_sign_in_at -> Nullable<Timestamptz>,
        confirmation_token_digest -> Nullable<Text>,
        confirmation_sent_at -> Nullable<Timestamptz>,
        unconfirmed_email -> Nullable<Text>,
        reset_password_token_digest -> Nullable<Text>,
        reset_password_sent_at -> Nullable<Timestamptz>,
        created_by_application_id -> Nullable<Int8>,
    }
}

diesel::table! {
    oauth_applications (id) {
        id -> Int8,
        name -> Text,
        client_id -> Text,
        client_secret -> Text,
        redirect_uri -> Text,
        scopes -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    oauth_access_grants (id) {
        id -> Int8,
        application_id -> Int8,
        user_id -> Int8,
        token_digest -> Text,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        code_challenge_method -> Nullable<Text>,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    oauth_access_tokens (id) {
        id -> Int8,
        application_id -> Nullable<Int8>,
        user_id -> Nullable<Int8>,
        token_digest -> Text,
        scopes -> Text,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> Int8,
        user_id -> Int8,
        token_digest -> Text,
        csrf_token -> Text,
        user_agent -> Text,
        ip -> Text,
        created_at -> Timestamptz,
        last_active_at -> Timestamptz,
    }
}

diesel::table! {
    invites (id) {
        id -> Int8,
        user_id -> Int8,
        code -> Text,
        max_uses -> Nullable<Int4>,
        uses -> Int4,
        expires_at -> Nullable<Timestamptz>,
        autofollow -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    user_two_factors (user_id) {
        user_id -> Int8,
        otp_secret -> Text,
        enabled_at -> Nullable<Timestamptz>,
        last_used_step -> Int8,
        recovery_code_digests -> Array<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_aliases (id) {
        id -> Int8,
        account_id -> Int8,
        acct -> Text,
        uri -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    web_push_subscriptions (id) {
        id -> Int8,
        access_token_id -> Int8,
        user_id -> Int8,
        endpoint -> Text,
        key_p256dh -> Text,
        key_auth -> Text,
        standard -> Bool,
        alerts -> Jsonb,
        policy -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    statuses (id) {
        id -> Int8,
        uri -> Text,
        url -> Nullable<Text>,
        account_id -> Int8,
        in_reply_to_id -> Nullable<Int8>,
        in_reply_to_account_id -> Nullable<Int8>,
        reblog_of_id -> Nullable<Int8>,
        text -> Text,
        content -> Text,
        spoiler_text -> Text,
        sensitive -> Bool,
        visibility -> Int2,
        language -> Nullable<Text>,
        local -> Bool,
        application_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        replies_count -> Int4,
        reblogs_count -> Int4,
        favourites_count -> Int4,
        ordered_media_attachment_ids -> Nullable<Array<Int8>>,
        quotes_count -> Int4,
        quote_approval_policy -> Int4,
    }
}

diesel::table! {
    quotes (id) {
        id -> Int8,
        status_id -> Int8,
        quoted_status_id -> Nullable<Int8>,
        account_id -> Int8,
        quoted_account_id -> Nullable<Int8>,
        state -> Int2,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        activity_uri -> Nullable<Text>,
        approval_uri -> Nullable<Text>,
    }
}

diesel::table! {
    status_edits (id) {
        id -> Int8,
        status_id -> Int8,
        account_id -> Int8,
        text -> Text,
        content -> Text,
        spoiler_text -> Text,
        sensitive -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    follows (id) {
        id -> Int8,
        account_id -> Int8,
        target_account_id -> Int8,
        show_reblogs -> Bool,
        notify -> Bool,
        languages -> Nullable<Array<Text>>,
        uri -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    follow_requests (id) {
        id -> Int8,
        account_id -> Int8,
        target_account_id -> Int8,
        show_reblogs -> Bool,
        notify -> Bool,
        uri -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    favourites (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    bookmarks (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mentions (id) {
        id -> Int8,
        status_id -> Int8,
        account_id -> Int8,
        silent -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tags (id) {
        id -> Int8,
        name -> Text,
        display_name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    statuses_tags (tag_id, status_id) {
        status_id -> Int8,
        tag_id -> Int8,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        account_id -> Int8,
        from_account_id -> Int8,
        #[sql_name = "type"]
        kind -> Text,
        status_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        group_key -> Nullable<Text>,
        filtered -> Bool,
        account_warning_id -> Nullable<Int8>,
    }
}

diesel::table! {
    notification_policies (account_id) {
        account_id -> Int8,
        for_not_following -> Text,
        for_not_followers -> Text,
        for_new_accounts -> Text,
        for_private_mentions -> Text,
        for_limited_accounts -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    notification_requests (id) {
        id -> Int8,
        account_id -> Int8,
        from_account_id -> Int8,
        last_status_id -> Nullable<Int8>,
        notifications_count -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    notification_permissions (account_id, from_account_id) {
        account_id -> Int8,
        from_account_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    media_attachments (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Nullable<Int8>,
        #[sql_name = "type"]
        kind -> Text,
        file_key -> Nullable<Text>,
        remote_url -> Nullable<Text>,
        description -> Nullable<Text>,
        blurhash -> Nullable<Text>,
        meta -> Jsonb,
        created_at -> Timestamptz,
        processing -> Int2,
        file_content_type -> Nullable<Text>,
        file_size -> Int8,
        small_key -> Nullable<Text>,
        upload_key -> Nullable<Text>,
        preview_remote_url -> Nullable<Text>,
        cached_at -> Nullable<Timestamptz>,
        accessed_at -> Nullable<Timestamptz>,
        processing_error -> Nullable<Text>,
        updated_at -> Timestamptz,
        scheduled_status_id -> Nullable<Int8>,
        thumbnail_key -> Nullable<Text>,
    }
}

diesel::table! {
    scheduled_statuses (id) {
        id -> Int8,
        account_id -> Int8,
        scheduled_at -> Timestamptz,
        params -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    blocks (id) {
        id -> Int8,
        account_id -> Int8,
        target_account_id -> Int8,
        uri -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mutes (id) {
        id -> Int8,
        account_id -> Int8,
        target_account_id -> Int8,
        hide_notifications -> Bool,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    lists (id) {
        id -> Int8,
        account_id -> Int8,
        title -> Text,
        replies_policy -> Text,
        exclusive -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    list_accounts (list_id, account_id) {
        list_id -> Int8,
        account_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    status_pins (id) {
        id -> Int8,
        account_id -> Int8,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    reports (id) {
        id -> Int8,
        account_id -> Int8,
        target_account_id -> Int8,
        status_ids -> Array<Int8>,
        comment -> Text,
        category -> Text,
        forward -> Bool,
        action_taken_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        assigned_account_id -> Nullable<Int8>,
        action_taken_by_account_id -> Nullable<Int8>,
        rule_ids -> Array<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    filters (id) {
        id -> Int8,
        account_id -> Int8,
        title -> Text,
        context -> Array<Text>,
        action -> Text,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    filter_keywords (id) {
        id -> Int8,
        filter_id -> Int8,
        keyword -> Text,
        whole_word -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    filter_statuses (id) {
        id -> Int8,
        filter_id -> Int8,
        status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_conversations (id) {
        id -> Int8,
        account_id -> Int8,
        root_status_id -> Int8,
        participant_account_ids -> Array<Int8>,
        status_ids -> Array<Int8>,
        last_status_id -> Int8,
        unread -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    markers (id) {
        id -> Int8,
        account_id -> Int8,
        timeline -> Text,
        last_read_id -> Int8,
        version -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    account_domain_blocks (id) {
        id -> Int8,
        account_id -> Int8,
        domain -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    featured_tags (id) {
        id -> Int8,
        account_id -> Int8,
        tag_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tag_follows (id) {
        id -> Int8,
        account_id -> Int8,
        tag_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_pins (id) {
        id -> Int8,
        account_id -> Int8,
        target_account_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_notes (account_id, target_account_id) {
        account_id -> Int8,
        target_account_id -> Int8,
        comment -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    suggestion_dismissals (account_id, target_account_id) {
        account_id -> Int8,
        target_account_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    rules (id) {
        id -> Int8,
        priority -> Int4,
        text -> Text,
        hint -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    preview_cards (id) {
        id -> Int8,
        url -> Text,
        title -> Text,
        description -> Text,
        #[sql_name = "type"]
        kind -> Text,
        author_name -> Text,
        author_url -> Text,
        provider_name -> Text,
        provider_url -> Text,
        image_url -> Nullable<Text>,
        width -> Int4,
        height -> Int4,
        language -> Nullable<Text>,
        published_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    preview_card_providers (id) {
        id -> Int8,
        domain -> Text,
        trendable -> Nullable<Bool>,
        reviewed_at -> Nullable<Timestamptz>,
        requested_review_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    preview_cards_statuses (status_id) {
        status_id -> Int8,
        preview_card_id -> Int8,
    }
}

diesel::table! {
    conversation_mutes (account_id, root_status_id) {
        account_id -> Int8,
        root_status_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    account_warnings (id) {
        id -> Int8,
        account_id -> Nullable<Int8>,
        target_account_id -> Int8,
        action -> Text,
        text -> Text,
        report_id -> Nullable<Int8>,
        status_ids -> Array<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    admin_action_logs (id) {
        id -> Int8,
        account_id -> Nullable<Int8>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Int8>,
        human_identifier -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    email_domain_blocks (id) {
        id -> Int8,
        domain -> Text,
        allow_with_approval -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    email_domain_block_attempts (email_domain_block_id, day) {
        email_domain_block_id -> Int8,
        day -> Date,
        attempts -> Int8,
    }
}

diesel::table! {
    canonical_email_blocks (id) {
        id -> Int8,
        canonical_email_hash -> Text,
        reference_account_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    ip_blocks (id) {
        id -> Int8,
        ip -> Text,
        severity -> Text,
        comment -> Text,
        expires_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    domain_allows (id) {
        id -> Int8,
        domain -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    trend_reviews (kind, target_id) {
        kind -> Text,
        target_id -> Int8,
        approved -> Bool,
        reviewed_at -> Timestamptz,
    }
}

diesel::joinable!(users -> accounts (account_id));
diesel::joinable!(account_images -> accounts (account_id));
diesel::joinable!(statuses -> accounts (account_id));
diesel::joinable!(favourites -> statuses (status_id));
diesel::joinable!(bookmarks -> statuses (status_id));
diesel::joinable!(mentions -> accounts (account_id));
diesel::joinable!(statuses_tags -> tags (tag_id));
diesel::joinable!(preview_cards_statuses -> preview_cards (preview_card_id));
diesel::joinable!(featured_tags -> tags (tag_id));
diesel::joinable!(tag_follows -> tags (tag_id));
diesel::joinable!(oauth_access_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(invites -> users (user_id));
diesel::joinable!(user_two_factors -> users (user_id));
diesel::joinable!(web_push_subscriptions -> oauth_access_tokens (access_token_id));
diesel::joinable!(statuses -> oauth_applications (application_id));
diesel::joinable!(list_accounts -> lists (list_id));
diesel::joinable!(filter_keywords -> filters (filter_id));
diesel::joinable!(filter_statuses -> filters (filter_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    account_aliases,
    account_images,
    domain_blocks,
    polls,
    poll_votes,
    custom_emojis,
    announcements,
    announcement_mutes,
    announcement_reactions,
    relays,
    users,
    oauth_applications,
    oauth_access_grants,
    oauth_access_tokens,
    web_push_subscriptions,
    web_sessions,
    invites,
    user_two_factors,
    statuses,
    status_edits,
    quotes,
    follows,
    follow_requests,
    favourites,
    bookmarks,
    mentions,
    tags,
    statuses_tags,
    notifications,
    notification_policies,
    notification_requests,
    notification_permissions,
    media_attachments,
    scheduled_statuses,
    markers,
    reports,
    status_pins,
    lists,
    list_accounts,
    filters,
    filter_keywords,
    filter_statuses,
    account_conversations,
    blocks,
    mutes,
    settings,
    account_domain_blocks,
    featured_tags,
    tag_follows,
    account_pins,
    account_notes,
    suggestion_dismissals,
    rules,
    preview_cards,
    preview_cards_statuses,
    conversation_mutes,
    account_warnings,
    admin_action_logs,
    email_domain_blocks,
    email_domain_block_attempts,
    canonical_email_blocks,
    ip_blocks,
    domain_allows,
    trend_reviews,
    preview_card_providers,
);
