namespace FluxAspire.Tests.ComfySim.Coverage;

/// <summary>
/// Every probe.json kind and the tests that replay it ("Class.Method"), or why none does.
/// Only list a test that actually sends the captured request (or the same request) and compares the answer with the record.
/// </summary>
internal static class CaptureLedger
{
    public sealed record Entry(string[] Tests, string? Exclusion = null);

    private static Entry By(params string[] tests) => new(tests);

    private static Entry Excluded(string reason) => new([], reason);

    private const string Discovery = "DiscoveryContractTests.Answers_like_the_capture";
    private const string View = "ViewContractTests.Answers_like_the_capture";
    private const string Uploads = "UploadSequenceTests.Reproduces_the_captured_sequence";
    private const string Rejected = "CapturedValidationTests.Rejected_prompt_gives_the_captured_400_body";
    private const string Accepted = "CapturedValidationTests.Accepted_prompt_gives_the_captured_node_errors_and_outputs";
    private const string Idle = "IdleServerCaptureTests.Idle_endpoints_answer_exactly_as_captured";
    private const string Classes = "IdleServerCaptureTests.Each_captured_class_is_served_over_http_as_captured";
    private const string ClassInfo = "NodeSchemaCatalogTests.Class_info_equals_the_capture";
    private const string ColdCachedNewSeed = "RunMessageSequenceTests.Cold_then_fully_cached_then_new_seed_runs_match_the_captures";
    private const string Bystanders = "RunCaptureTests.Sockets_without_a_prompt_see_only_the_captured_status_broadcasts_and_history_is_as_captured";
    private const string LaterPosts = "RunCaptureTests.Later_posts_and_the_api_front_alias_answer_as_captured";
    private const string AfterFree = "RunCaptureTests.After_free_the_same_graph_runs_cold_again_as_captured";
    private const string Interrupts = "QueueAndInterruptCaptureTests.Interrupt_requests_answer_as_captured";
    private const string QueueOps = "QueueAndInterruptCaptureTests.Queue_requests_answer_as_captured";
    private const string Reconnect = "InterruptQueueAndReconnectTests.Reconnect_then_wrong_id_then_global_interrupt_match_the_captures";
    private const string HeapOrder = "InterruptQueueAndReconnectTests.Queue_operations_keep_heap_order_and_broadcast_status_as_captured";
    private const string PromptEndpoint = "PromptEndpointTests.The_priority_counter_advances_on_every_request_without_number_even_rejected_ones";
    private const string Broadcast = "RunMessageSequenceTests.A_prompt_without_client_id_broadcasts_only_status_progress_and_previews";
    private const string RuntimeError = "RunMessageSequenceTests.LoadImage_of_a_file_that_is_not_an_image_reports_execution_error_as_captured";
    private const string PreviewImage = "RunMessageSequenceTests.PreviewImage_of_a_loaded_image_writes_to_temp_as_captured";
    private const string History = "PromptEndpointTests.History_lists_the_last_entries_and_deletes_on_request";
    private const string FullObjectInfo = "IdleServerCaptureTests.Full_object_info_has_the_captured_377_class_names";

    public static readonly IReadOnlyDictionary<string, Entry> Kinds = new Dictionary<string, Entry>
    {
        ["server_up"] = Excluded("a timestamp marker for when the probed server answered; no request or body"),
        ["done"] = Excluded("a timestamp marker for the end of the probe; no request or body"),

        ["http:get/system_stats"] = By(Discovery),
        ["http:get/features"] = By(Discovery),
        ["http:get/api/features"] = By(Discovery),
        ["http:get/models"] = By(Discovery),
        ["http:get/models/checkpoints"] = By(Discovery),
        ["http:get/models/bogus"] = By(Discovery),
        ["http:get/embeddings"] = By(Discovery),
        ["http:get/"] = By(Discovery),
        ["http:stats_before_free"] = By(Discovery),
        ["http:stats_after_free"] = By(Discovery),
        ["http:get/prompt"] = By("PromptEndpointTests.GET_prompt_queue_and_unknown_history_answer_as_captured"),
        ["http:get/queue"] = By("PromptEndpointTests.GET_prompt_queue_and_unknown_history_answer_as_captured"),
        ["http:get/history"] = By(Idle),
        ["http:get/api/prompt"] = By(Idle),
        ["http:history_unknown"] = By(Idle),
        ["http:get/object_info/NoSuchNode"] = By("ObjectInfoRouteTests.Unknown_class_is_an_empty_object"),

        ["http:object_info/CheckpointLoaderSimple"] = By(Classes, ClassInfo),
        ["http:object_info/CLIPTextEncode"] = By(Classes, ClassInfo),
        ["http:object_info/FluxGuidance"] = By(Classes, ClassInfo),
        ["http:object_info/EmptySD3LatentImage"] = By(Classes, ClassInfo),
        ["http:object_info/KSampler"] = By(Classes, ClassInfo, "ObjectInfoRouteTests.One_class_equals_the_capture"),
        ["http:object_info/VAEDecode"] = By(Classes, ClassInfo),
        ["http:object_info/SaveImage"] = By(Classes, ClassInfo),
        ["http:object_info/PreviewImage"] = By(Classes, ClassInfo),
        ["http:object_info/LoadImage"] = By(Classes, ClassInfo),
        ["http:object_info/EmptyLatentImage"] = By(Classes, ClassInfo),
        ["http:object_info/CLIPTextEncodeFlux"] = By(Classes, ClassInfo),
        ["http:object_info/ModelSamplingFlux"] = By(Classes, ClassInfo),
        ["http:object_info/UNETLoader"] = By(Classes, ClassInfo),
        ["http:object_info/DualCLIPLoader"] = By(Classes, ClassInfo),
        ["http:object_info/VAELoader"] = By(Classes, ClassInfo),
        ["http:object_info_full"] = By(FullObjectInfo, "ObjectInfoRouteTests.Full_object_info_has_every_class"),
        ["object_info_summary"] = By(FullObjectInfo), // data only: the class count and sorted names of the full answer

        ["ws_open"] = By("PromptEndpointTests.The_socket_is_served_under_api_too_with_a_generated_sid_when_no_clientId_is_given",
            "PromptEndpointTests.Feature_flags_reply_matches_the_capture"),
        ["http:run1_cold:post"] = By(PromptEndpoint, Bystanders),
        ["ws:run1_cold"] = By(ColdCachedNewSeed),
        ["others_during_run1"] = By(Bystanders),
        ["http:history_run1"] = By(Bystanders),
        ["http:view_png"] = By(View),
        ["png_chunks"] = By("ExecutionOrderAndFormatTests.The_captured_png_prompt_chunk_matches_json_dumps_of_the_graph",
            "ImageRendererTests.Chunk_order_starts_like_the_captured_ComfyUI_png"),
        ["http:view_preview_webp"] = By(View),
        ["http:view_preview_jpeg"] = By(View),
        ["http:view_rgb"] = By(View),
        ["http:view_alpha"] = By(View),
        ["http:api_view_no_subfolder"] = By(View),
        ["http:view_missing"] = By(View),
        ["http:view_dotdot"] = By(View),
        ["http:view_badtype"] = By(View),
        ["http:view_subfolder_escape"] = By(View),
        ["http:view_no_filename"] = By(View),
        ["http:run2_cached:post"] = By(LaterPosts),
        ["ws:run2_cached"] = By(ColdCachedNewSeed),
        ["http:history_run2_cached"] = By(ColdCachedNewSeed),
        ["http:run3_ffclient:post"] = By(LaterPosts),
        ["ws:run3_ffclient"] = By(ColdCachedNewSeed),
        ["http:history_run3"] = By(History),
        ["http:post_custom_id_number"] = By(PromptEndpoint),
        ["broadcast_without_client_id"] = By(Broadcast),
        ["http:history_custom_id"] = By(Broadcast),
        ["http:post_api_alias_front"] = By(LaterPosts),

        ["http:validate:no_prompt"] = By(PromptEndpoint),
        ["http:validate:invalid_json"] = By(PromptEndpoint),
        ["http:validate:prompt_is_list"] = By(PromptEndpoint),
        ["http:validate:unknown_class"] = By(Rejected),
        ["http:validate:missing_class_type"] = By(Rejected),
        ["http:validate:no_outputs"] = By(Rejected),
        ["http:validate:missing_required"] = By(Rejected),
        ["http:validate:invalid_int"] = By(Rejected),
        ["http:validate:below_min"] = By(Rejected),
        ["http:validate:above_max"] = By(Rejected),
        ["http:validate:guidance_above_max"] = By(Rejected),
        ["http:validate:ckpt_not_in_list"] = By(Rejected),
        ["http:validate:sampler_not_in_list"] = By(Rejected),
        ["http:validate:scheduler_not_in_list"] = By(Rejected),
        ["http:validate:link_missing_node_inner"] = By(Rejected),
        ["http:validate:link_missing_node_output"] = By(Rejected),
        ["http:validate:bad_link_len"] = By(Rejected),
        ["http:validate:type_mismatch"] = By(Rejected),
        ["http:validate:slot_out_of_range"] = By(Rejected),
        ["http:validate:int_node_id_in_link"] = By(Rejected),
        ["http:validate:loadimage_missing_file"] = By(Rejected),
        ["http:validate:partial_ok_second_output_bad"] = By(Accepted),
        ["http:validate:float_for_int_and_string_number"] = By(Accepted),
        ["http:validate:width_not_multiple_of_16"] = By(Accepted),
        ["http:validate:partial_execution_targets"] = By(Accepted),
        ["http:queue_after_validation"] = By("PromptEndpointTests.Rejected_prompts_send_nothing_on_the_socket_and_are_not_queued"),

        ["http:upload_new"] = By(Uploads),
        ["http:upload_same_content"] = By(Uploads),
        ["http:upload_diff_content_same_name"] = By(Uploads),
        ["http:upload_overwrite"] = By(Uploads),
        ["http:upload_subfolder_temp"] = By(Uploads),
        ["http:upload_mask"] = By(Uploads),
        ["http:upload_bad_image"] = By(Uploads),
        ["http:upload_no_image_field"] = By(Uploads),
        ["http:object_info_LoadImage_after_upload"] = By(Uploads, "NodeSchemaCatalogTests.LoadImage_lists_the_input_folder_as_it_is_now"),

        ["http:run_runtime_error:post"] = By(RuntimeError),
        ["ws:run_runtime_error"] = By(RuntimeError),
        ["http:history_runtime_error"] = By(RuntimeError),
        ["http:run_preview_image:post"] = By(PreviewImage),
        ["ws:run_preview_image"] = By(PreviewImage),
        ["http:history_preview_image"] = By(PreviewImage),

        ["http:post_long_for_interrupt"] = By(Interrupts),
        ["reconnect_same_client_first_msgs"] = By(Reconnect),
        ["http:interrupt_wrong_id"] = By(Interrupts),
        ["http:queue_while_running"] = By(Reconnect),
        ["http:get_prompt_while_running"] = By(Interrupts),
        ["http:interrupt_global"] = By(Interrupts),
        ["ws:interrupt_global"] = By(Reconnect),
        ["http:history_interrupted"] = By(Reconnect),
        ["http:q_long"] = By(QueueOps),
        ["http:q_add_0"] = By(QueueOps),
        ["http:q_add_1"] = By(QueueOps),
        ["http:q_add_2"] = By(QueueOps),
        ["http:q_add_3"] = By(QueueOps),
        ["http:queue_4_pending"] = By(HeapOrder),
        ["http:queue_delete_one"] = By(QueueOps),
        ["http:get_prompt_after_delete"] = By(QueueOps),
        ["http:queue_clear"] = By(QueueOps),
        ["http:queue_after_clear"] = By(HeapOrder),
        ["http:interrupt_targeted"] = By(QueueOps),
        ["ws:queue_ops"] = By(HeapOrder),

        ["http:free"] = By(AfterFree),
        ["http:run_after_free:post"] = By(AfterFree),
        ["ws:run_after_free"] = By(AfterFree),
        ["http:history_max2"] = By(History),
        ["http:history_delete"] = By(QueueOps),
        ["http:history_deleted"] = By(History),
    };
}
