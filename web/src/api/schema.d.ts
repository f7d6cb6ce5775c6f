// Generated from openapi.json by `npm run generate-api`; do not edit.
export interface paths {
    "/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a client */
        post: operations["post__clients"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A client of one of your teams */
        get: operations["get__clients_client_id"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The client's consents and denials (key worker) */
        get: operations["get__clients_client_id_consents"];
        put?: never;
        /** Record a consent (key worker) */
        post: operations["post__clients_client_id_consents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/consents/{consent_id}/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Withdraw a consent (key worker) */
        post: operations["post__clients_client_id_consents_consent_id_withdraw"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/denials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a denial of disclosure (key worker) */
        post: operations["post__clients_client_id_denials"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/denials/{denial_id}/lift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Lift a denial (key worker) */
        post: operations["post__clients_client_id_denials_denial_id_lift"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/disclosures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who was given what, when and why (key worker) */
        get: operations["get__clients_client_id_disclosures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/emergency-access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Emergency access (break the glass): open the client's data for a limited time with a reason, if you are not on the client's team; each read is logged and the key worker is told */
        post: operations["post__clients_client_id_emergency_access"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/identity-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reveal the client's personal identity code, with a reason that is recorded (professionals of the team's own organisation) */
        post: operations["post__clients_client_id_identity_code"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/identity-code/reveals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who has been shown the client's personal identity code, when and why (key worker) */
        get: operations["get__clients_client_id_identity_code_reveals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/referrals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The client's referrals */
        get: operations["get__clients_client_id_referrals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/statutory-disclosures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record data disclosed without consent on a legal basis, even against a denial: checked against the basis, logged with the justification, and the key worker is told (professionals of the organisation that holds the client's data) */
        post: operations["post__clients_client_id_statutory_disclosures"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/{client_id}/team": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The client's team */
        get: operations["get__clients_client_id_team"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/clients/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Find a client of one of your teams by personal identity code */
        post: operations["post__clients_search"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/emergency-accesses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every emergency access, newest first: who opened whose data, why, when, reviewed or not (the data protection officer) */
        get: operations["get__emergency_accesses"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/emergency-accesses/{access_id}/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark an emergency access reviewed (the data protection officer) */
        post: operations["post__emergency_accesses_access_id_review"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: operations["get__health_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The broker answers, so requests can be served */
        get: operations["get__health_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your messages, newest first */
        get: operations["get__inbox"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/inbox/{item_id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark a message read */
        post: operations["post__inbox_item_id_read"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/legal-bases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The legal bases a disclosure without consent may rest on (the county's list) */
        get: operations["get__legal_bases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The clients whose teams you are in */
        get: operations["get__me_clients"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API, described in OpenAPI 3 */
        get: operations["get__openapi_json"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/referrals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open referrals addressed to your organisation */
        get: operations["get__partner_referrals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/referrals/{referral_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A referral addressed to your organisation */
        get: operations["get__partner_referrals_referral_id"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/referrals/{referral_id}/{answer}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Answer a referral: accept, reject, start, hold, resume, complete (with outcome) or fail */
        post: operations["post__partner_referrals_referral_id_answer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/referrals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Draft a referral for a client of your team */
        post: operations["post__referrals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/referrals/{referral_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A referral and its history */
        get: operations["get__referrals_referral_id"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/referrals/{referral_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a referral you sent */
        post: operations["post__referrals_referral_id_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/referrals/{referral_id}/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a draft: only what consent permits is shared */
        post: operations["post__referrals_referral_id_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a team for a client you registered; you are its key worker */
        post: operations["post__teams"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team_id}/handover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hand the key worker's role over (key worker) */
        post: operations["post__teams_team_id_handover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a member (key worker) */
        post: operations["post__teams_team_id_members"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team_id}/members/{member_id}/remove": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Remove a member (key worker) */
        post: operations["post__teams_team_id_members_member_id_remove"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/teams/{team_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Activate, suspend or close the team (key worker) */
        post: operations["post__teams_team_id_status"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AddMember: {
            contact?: components["schemas"]["Contact"];
            /** Format: date-time */
            ends_on?: string;
            /** @enum {string} */
            kind: "professional" | "close_one" | "client";
            name?: string;
            professional?: components["schemas"]["Professional"];
            relation?: string;
            /** Format: date-time */
            starts_on?: string;
        };
        Answer: {
            outcome?: components["schemas"]["Outcome"];
            reason?: string;
        };
        Because: {
            reason: string;
        };
        ClientOut: {
            contact: components["schemas"]["ContactOut"];
            id: string;
            municipality: string;
            name: string;
            /** @enum {string} */
            preferred_language: "fi" | "sv" | "en";
            /** Format: date-time */
            registered_at: string;
            registered_by: string;
        };
        ConsentHistoryOut: {
            /** @enum {string} */
            action: "granted" | "withdrawn" | "expired";
            /** Format: date-time */
            at: string;
            by: string | null;
            reason: string | null;
        };
        ConsentOut: {
            categories: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            client_id: string;
            /** Format: date-time */
            expired_at: string | null;
            given_by: components["schemas"]["GivenByOut"];
            history: components["schemas"]["ConsentHistoryOut"][];
            id: string;
            /** @enum {string} */
            method: "written" | "oral" | "electronic";
            professionals: string[];
            purposes: ("team_coordination" | "referral" | "service_need_assessment")[];
            recipient_organisation: string;
            /** Format: date-time */
            recorded_at: string;
            recorded_by: string;
            /** @enum {string} */
            status: "active" | "withdrawn" | "expired";
            /** Format: date-time */
            valid_from: string;
            /** Format: date-time */
            valid_until: string | null;
            /** Format: date-time */
            withdrawn_at: string | null;
            withdrawn_by: string | null;
        };
        ConsentsOut: {
            client_id: string;
            consents: components["schemas"]["ConsentOut"][];
            denials: components["schemas"]["DenialOut"][];
        };
        Contact: {
            address?: string;
            /** Format: email */
            email?: string;
            phone?: string;
        };
        ContactOut: {
            address?: string | null;
            email?: string | null;
            phone?: string | null;
        };
        CreateReferral: {
            /** Format: date-time */
            accept_by: string;
            /** Format: uuid */
            client_id: string;
            /** Format: date-time */
            escalate_by?: string;
            /** @enum {string} */
            priority?: "routine" | "urgent" | "asap" | "stat";
            reason: string;
            service: string;
            share: {
                [key: string]: {
                    [key: string]: unknown;
                };
            };
            target_organisation: string;
        };
        CreateTeam: {
            /** Format: uuid */
            client_id: string;
            name: string;
            /** @enum {string} */
            role: "social_worker" | "social_counsellor";
        };
        DenialOut: {
            categories: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            client_id: string;
            id: string;
            /** Format: date-time */
            lifted_at: string | null;
            lifted_by: string | null;
            organisation: string | null;
            reason: string | null;
            /** Format: date-time */
            recorded_at: string;
            recorded_by: string;
            /** @enum {string} */
            status: "in_force" | "lifted";
        };
        Deny: {
            categories: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            organisation: string | null;
            reason?: string;
        };
        DisclosureEntryOut: {
            /** Format: date-time */
            at: string;
            /** @enum {string|null} */
            category: "basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial" | null;
            consent_id: string | null;
            denial_id: string | null;
            entry_id: string;
            justification: string | null;
            /** @enum {string} */
            kind: "decision" | "disclosure" | "access";
            legal_basis: string | null;
            organisation: string | null;
            /** @enum {string} */
            outcome: "permit" | "deny";
            professional: string | null;
            /** @enum {string|null} */
            purpose: "team_coordination" | "referral" | "service_need_assessment" | null;
            /** @enum {string} */
            reason: "permitted" | "own_organisation" | "denied_by_client" | "unknown_client" | "no_consent" | "not_yet_valid" | "expired" | "withdrawn" | "professional_not_named" | "malformed_request" | "internal_error" | "statutory_basis" | "emergency_access";
            /** @enum {string|null} */
            recipient_kind: "police" | "emergency_services" | "child_welfare" | "social_welfare" | "health_care" | "prosecutor" | "court" | null;
            seq: number | null;
        };
        DisclosureReportOut: {
            client_id: string;
            emergency_accesses: components["schemas"]["EmergencyAccessOut"][];
            entries: components["schemas"]["DisclosureEntryOut"][];
        };
        EmergencyAccess: {
            explanation: string;
            /** @enum {string} */
            reason: "risk_to_life" | "risk_to_health" | "acute_crisis" | "urgent_care_continuity";
        };
        EmergencyAccessOut: {
            client_id: string;
            /** Format: date-time */
            ends_at: string;
            explanation: string;
            id: string;
            key_worker_id: string | null;
            /** Format: date-time */
            opened_at: string;
            organisation: string;
            professional: string;
            /** @enum {string} */
            reason: "risk_to_life" | "risk_to_health" | "acute_crisis" | "urgent_care_continuity";
            /** Format: date-time */
            reviewed_at: string | null;
            reviewed_by: string | null;
        };
        Empty: Record<string, never>;
        FindClient: {
            personal_identity_code: string;
        };
        GivenBy: {
            /** @enum {string} */
            kind: "client" | "legal_representative";
            /** @enum {string} */
            relation?: "guardian" | "trustee" | "continuing_power_of_attorney";
        };
        GivenByOut: {
            /** @enum {string} */
            kind: "client" | "legal_representative";
            /** @enum {string|null} */
            relation: "guardian" | "trustee" | "continuing_power_of_attorney" | null;
        };
        Grant: {
            categories: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            given_by: components["schemas"]["GivenBy"];
            /** @enum {string} */
            method: "written" | "oral" | "electronic";
            professionals?: string[];
            purposes: ("team_coordination" | "referral" | "service_need_assessment")[];
            recipient_organisation: string;
            /** Format: date-time */
            valid_from?: string;
            /** Format: date-time */
            valid_until?: string;
        };
        HandOver: {
            reason: string;
            to: components["schemas"]["Professional"];
        };
        Health: {
            /** @enum {string} */
            broker: "ok" | "unreachable";
            /** @enum {string} */
            status: "ok" | "unavailable";
        };
        IdentityCodeRevealOut: {
            /** Format: date-time */
            at: string;
            reason: string;
            requested_by: string;
        };
        InboxItemOut: {
            body: string;
            /** Format: date-time */
            created_at: string;
            id: string;
            link: string;
            /** @enum {string} */
            message: "member_added" | "member_suspended" | "referral_received" | "referral_answered" | "referral_withdrawn" | "referral_overdue" | "referral_escalated" | "referral_stop" | "consent_lost" | "statutory_disclosure" | "emergency_access";
            /** Format: date-time */
            read_at: string | null;
            subject: string;
        };
        InvolvementOut: {
            /** @enum {string} */
            as: "key_worker" | "member";
            client_id: string;
            /** @description null unless you work for the organisation that holds the team */
            client_name: string | null;
            /** @description for the key worker only; null for a member */
            needs_me: components["schemas"]["NeedsMeOut"] | null;
            team_id: string;
            /** @enum {string} */
            team_status: "proposed" | "active" | "suspended" | "closed";
        };
        KeyWorkerPeriodOut: {
            changed_by: string;
            /** Format: date-time */
            ended_at: string | null;
            handover_reason: string | null;
            member_id: string;
            professional_id: string;
            /** Format: date-time */
            started_at: string;
        };
        LegalBasisDescription: {
            en: string;
            fi: string;
            sv: string;
        };
        LegalBasisOut: {
            categories: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            description: components["schemas"]["LegalBasisDescription"];
            id: string;
            recipient_kinds: ("police" | "emergency_services" | "child_welfare" | "social_welfare" | "health_care" | "prosecutor" | "court")[];
            statute: string;
        };
        Live: {
            /** @enum {string} */
            status: "ok";
        };
        MemberOut: {
            contact: components["schemas"]["ContactOut"];
            /** Format: date-time */
            ends_on: string | null;
            id: string;
            /** @enum {string} */
            kind: "professional" | "close_one" | "client";
            name: string | null;
            organisation: string | null;
            professional_id: string | null;
            /** @enum {string|null} */
            relation: "spouse" | "partner" | "parent" | "child" | "sibling" | "grandparent" | "grandchild" | "relative" | "friend" | "neighbour" | "other" | null;
            /** @enum {string|null} */
            role: "social_worker" | "social_counsellor" | "nurse" | "public_health_nurse" | "physician" | "psychologist" | "physiotherapist" | "occupational_therapist" | "employment_coordinator" | "ngo_worker" | "peer_supporter" | "deacon" | "police_liaison" | "housing_advisor" | "substance_abuse_worker" | "financial_counsellor" | "teacher" | null;
            /** Format: date-time */
            starts_on: string;
            /** @enum {string} */
            status: "pending_consent" | "active" | "suspended" | "removed";
        };
        NeedsMeOut: {
            /** @description referrals your organisation sent that were accepted, rejected, completed or failed in the last 7 days */
            answered_referrals: number;
            /** @description active consents that end within 14 days */
            consents_ending: number;
            /** Format: date-time */
            first_consent_ends_at: string | null;
            /** @description referrals your organisation sent that are past their acceptance deadline */
            overdue_referrals: number;
            /** @description members waiting for the client's consent */
            pending_members: number;
        };
        OpenApiDocument: {
            components: {
                [key: string]: unknown;
            };
            info: {
                [key: string]: unknown;
            };
            openapi: string;
            paths: {
                [key: string]: unknown;
            };
        };
        Outcome: {
            code: string;
            summary?: string;
        };
        Problem: {
            allowed?: string[];
            current_state?: string | null;
            detail?: string;
            errors?: {
                [key: string]: unknown;
            };
            status?: number;
            title?: string;
            type?: string;
        };
        Professional: {
            name: string;
            organisation: string;
            professional_id: string;
            role: string;
        };
        ReferralOut: {
            /** Format: date-time */
            accept_by: string;
            allowed_next: ("draft" | "requested" | "accepted" | "rejected" | "cancelled" | "in_progress" | "on_hold" | "completed" | "failed" | "entered_in_error")[];
            as: ("requester" | "target")[];
            client_id: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            escalate_by: string;
            /** Format: date-time */
            escalated_at: string | null;
            history: components["schemas"]["ReferralStepOut"][];
            id: string;
            outcome: components["schemas"]["ReferralOutcomeOut"] | null;
            /** @enum {string} */
            priority: "routine" | "urgent" | "asap" | "stat";
            reason?: string;
            /** Format: date-time */
            reminded_at: string | null;
            requested_by: string;
            requesting_organisation: string;
            /** @enum {string} */
            service: "service_need_assessment" | "employment_services" | "substance_and_mental_health_services" | "ngo_peer_support" | "housing_guidance" | "debt_counselling" | "social_rehabilitation";
            share?: components["schemas"]["SharedContent"];
            shared?: components["schemas"]["SharedContent"];
            shared_categories?: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            /** @enum {string} */
            status: "draft" | "requested" | "accepted" | "rejected" | "cancelled" | "in_progress" | "on_hold" | "completed" | "failed" | "entered_in_error";
            target_organisation: string;
            withheld?: components["schemas"]["WithheldCategories"];
        };
        ReferralOutcomeOut: {
            /** @enum {string} */
            code: "service_provided" | "goal_met" | "goal_partly_met" | "goal_not_met" | "client_declined" | "client_unreachable";
            summary: string | null;
        };
        ReferralStepOut: {
            /** Format: date-time */
            at: string;
            by: string;
            by_organisation: string | null;
            detail: components["schemas"]["StepDetailOut"];
            /** @enum {string|null} */
            from_status: "draft" | "requested" | "accepted" | "rejected" | "cancelled" | "in_progress" | "on_hold" | "completed" | "failed" | "entered_in_error" | null;
            /** @enum {string} */
            kind: "status" | "overdue" | "escalated" | "stop_requested";
            reason: string | null;
            /** @enum {string} */
            to_status: "draft" | "requested" | "accepted" | "rejected" | "cancelled" | "in_progress" | "on_hold" | "completed" | "failed" | "entered_in_error";
        };
        ReferralSummaryOut: {
            /** Format: date-time */
            accept_by: string;
            allowed_next: ("draft" | "requested" | "accepted" | "rejected" | "cancelled" | "in_progress" | "on_hold" | "completed" | "failed" | "entered_in_error")[];
            as: ("requester" | "target")[];
            client_id: string;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            escalate_by: string;
            /** Format: date-time */
            escalated_at: string | null;
            id: string;
            outcome: components["schemas"]["ReferralOutcomeOut"] | null;
            /** @enum {string} */
            priority: "routine" | "urgent" | "asap" | "stat";
            /** Format: date-time */
            reminded_at: string | null;
            requested_by: string;
            requesting_organisation: string;
            /** @enum {string} */
            service: "service_need_assessment" | "employment_services" | "substance_and_mental_health_services" | "ngo_peer_support" | "housing_guidance" | "debt_counselling" | "social_rehabilitation";
            /** @enum {string} */
            status: "draft" | "requested" | "accepted" | "rejected" | "cancelled" | "in_progress" | "on_hold" | "completed" | "failed" | "entered_in_error";
            target_organisation: string;
        };
        RegisterClient: {
            contact?: components["schemas"]["Contact"];
            municipality: string;
            name: string;
            personal_identity_code: string;
            /** @enum {string} */
            preferred_language: "fi" | "sv" | "en";
        };
        RevealedCodeOut: {
            client_id: string;
            personal_identity_code: string;
        };
        SharedContent: {
            assessment?: {
                [key: string]: unknown;
            };
            basic?: {
                [key: string]: unknown;
            };
            care_plan?: {
                [key: string]: unknown;
            };
            employment?: {
                [key: string]: unknown;
            };
            financial?: {
                [key: string]: unknown;
            };
            health?: {
                [key: string]: unknown;
            };
            team?: {
                [key: string]: unknown;
            };
        };
        StatutoryDisclosure: {
            categories: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            justification: string;
            legal_basis: string;
            /** @enum {string} */
            recipient_kind: "police" | "emergency_services" | "child_welfare" | "social_welfare" | "health_care" | "prosecutor" | "court";
            recipient_organisation: string;
        };
        StatutoryDisclosureOut: {
            client_id: string;
            entries: components["schemas"]["DisclosureEntryOut"][];
            justification: string;
            legal_basis: string;
            /** @enum {string} */
            recipient_kind: "police" | "emergency_services" | "child_welfare" | "social_welfare" | "health_care" | "prosecutor" | "court";
            recipient_organisation: string;
            statute: string;
        };
        StepDetailOut: {
            /** @enum {string} */
            because?: "consent_withdrawn" | "consent_expired" | "consent_denied";
            categories?: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            key_worker_id?: string | null;
            outcome?: components["schemas"]["ReferralOutcomeOut"];
            shared?: ("basic" | "team" | "assessment" | "care_plan" | "health" | "employment" | "financial")[];
            withheld?: components["schemas"]["WithheldCategories"];
        };
        TeamOut: {
            client_id: string;
            closed_reason: string | null;
            id: string;
            key_worker: components["schemas"]["KeyWorkerPeriodOut"];
            key_worker_history: components["schemas"]["KeyWorkerPeriodOut"][];
            members: components["schemas"]["MemberOut"][];
            organisation: string;
            /** @enum {string} */
            status: "proposed" | "active" | "suspended" | "closed";
            status_history: components["schemas"]["TeamStatusChangeOut"][];
        };
        TeamStatus: {
            reason?: string;
            /** @enum {string} */
            status: "active" | "suspended" | "closed";
        };
        TeamStatusChangeOut: {
            /** Format: date-time */
            at: string;
            by: string;
            reason: string | null;
            /** @enum {string} */
            status: "proposed" | "active" | "suspended" | "closed";
        };
        WithheldCategories: {
            assessment?: string;
            basic?: string;
            care_plan?: string;
            employment?: string;
            financial?: string;
            health?: string;
            team?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    post__clients: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterClient"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClientOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__clients_client_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClientOut"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__clients_client_id_consents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentsOut"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_consents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Grant"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_consents_consent_id_withdraw: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
                consent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Because"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_denials: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Deny"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DenialOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_denials_denial_id_lift: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
                denial_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Because"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DenialOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__clients_client_id_disclosures: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DisclosureReportOut"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_emergency_access: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmergencyAccess"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmergencyAccessOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_identity_code: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Because"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevealedCodeOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__clients_client_id_identity_code_reveals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityCodeRevealOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__clients_client_id_referrals: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralSummaryOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_client_id_statutory_disclosures: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StatutoryDisclosure"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatutoryDisclosureOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__clients_client_id_team: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                client_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamOut"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__clients_search: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FindClient"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClientOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__emergency_accesses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmergencyAccessOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__emergency_accesses_access_id_review: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                access_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Empty"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmergencyAccessOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__health_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Live"];
                };
            };
        };
    };
    get__health_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The broker does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    get__inbox: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxItemOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__inbox_item_id_read: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                item_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Empty"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InboxItemOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__legal_bases: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LegalBasisOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__me_clients: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvolvementOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__openapi_json: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenApiDocument"];
                };
            };
        };
    };
    get__partner_referrals: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralSummaryOut"][];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__partner_referrals_referral_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                referral_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralOut"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__partner_referrals_referral_id_answer: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                answer: string;
                referral_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Answer"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__referrals: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateReferral"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get__referrals_referral_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                referral_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralOut"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__referrals_referral_id_cancel: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                referral_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Because"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__referrals_referral_id_send: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                referral_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Empty"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReferralOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__teams: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTeam"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__teams_team_id_handover: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                team_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HandOver"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__teams_team_id_members: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                team_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddMember"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__teams_team_id_members_member_id_remove: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                member_id: string;
                team_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Because"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    post__teams_team_id_status: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique value the client makes for this request (a UUID, say). A request repeated with the same key (after a timeout, a lost connection) is answered as the first time and changes nothing more; the same key with another body is refused (422). Without one, the gateway makes one and the request is not safe to repeat. */
                "Idempotency-Key"?: string;
            };
            path: {
                team_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TeamStatus"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TeamOut"];
                };
            };
            /** @description Invalid request: the failing fields are named */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid bearer token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not yours to see or change */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not possible in the current state: the allowed next states are named */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The Idempotency-Key was already used for a different request */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A part of tiimi did not answer; nothing was changed */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
